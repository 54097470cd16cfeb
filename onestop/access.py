"""The one access policy (DESIGN §1, STYLE §15): who may see which dossier, and how much of it.

Everything that shows a dossier, a file or a form of it — back-office pages, citizen pages,
downloads, PDFs, the API — asks here, and the workflow's guards read the same scope:

* the **owner** (the applicant's account) sees their own dossiers, drafts included;
* **processing staff** (receptionist, specialist, approver) see the dossiers whose receiving
  agency (`agency`) or current unit (`step_agency`) is an agency where they hold an active role;
* a **leader** sees, read-only, the dossiers of their agency and of every agency below it (the
  overdue escalations link to them);
* a **postal clerk** sees the dossiers of their agency that travel by post (received by post, or
  whose result goes by post), and only what delivery needs: no form answers, declarations, ID
  numbers or documents (least access, Decree 13/2023/NĐ-CP art. 3);
* nobody else — agency administrators manage the catalogue and staff, not dossiers, and staff
  never see drafts.

Satisfaction evaluations (onestop.satisfaction): the applicant evaluates their own returned dossier;
a receptionist of the receiving desk records an evaluation given at the counter; the agency answers
a comment through the receptionists or the heads (approvers) of the receiving desk
(`FEEDBACK_ANSWER_ROLES`) — leaders read it, read-only, like the rest of the dossier.
Statistics (aggregates, no dossier): a leader reads those of their agency's subtree, a head of unit
(approver) those of the agencies where they are head (`AccessScope.statistics_ids`,
`statistics_agencies_for`); nobody reads another agency's.

A **partner's system** (an API client, onestop.integration) sees the non-draft dossiers whose
receiving agency or current unit is one of its agencies (`client_agency_ids`: its agency, and every
agency below it unless limited to that one), and through its scopes only: `dossiers:read` the
dossier's summary (no ID number, contact details, form answers or files), `payments:read` the
payments of those dossiers, `shipments:*` the shipments of those agencies.

Roles count only while active, in an active agency. `access_scope(user)` reads them once per
request (one query, plus one for the agency tree when the user is a leader); `access_scopes(users)`
builds the same scopes for many users at once (a notification fan-out: one query for them all). `dossier_for` fetches
and authorises in one call and answers the same 404 for "missing" and "not yours". Every staff read
of a citizen's dossier page, file or form is recorded in DossierAccessLog (Decree 13/2023 art. 27:
the processing of personal data is logged), which agency admins review in /admin/.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from procedures.models import Agency
from procedures.selectors import agency_subtree_ids, agency_subtree_in

from . import prepared
from .models import (
    AccessKind,
    Dossier,
    DossierAccessLog,
    DossierChannel,
    DossierDocument,
    DossierStatus,
    Role,
    StaffRole,
)
from .selectors import user_is_staff_member

# Roles that process dossiers and see all of them in their agencies.
PROCESSING_ROLES = (Role.RECEPTIONIST, Role.SPECIALIST, Role.APPROVER)
POST = "post"
# Who answers an applicant's comment on their evaluation, at the receiving desk (dossier.agency): the
# one-stop officers who served them, or the heads of that agency. The workflow's guard for the
# answer is built from this (onestop.workflow.registry, "satisfaction_answered").
FEEDBACK_ANSWER_ROLES = (Role.RECEPTIONIST, Role.APPROVER)
# Who records an evaluation the applicant gave at the counter (paper form or kiosk): the desk.
COUNTER_EVALUATION_ROLES = (Role.RECEPTIONIST,)


class View(enum.IntEnum):
    """How much of a dossier a user sees (higher sees more)."""

    NONE = 0
    POSTAL = 1  # the delivery: applicant's name, address, phone, code, procedure, status
    STAFF = 2  # everything the back office shows
    OWNER = 3  # the applicant's own portal pages


def travels_by_post(dossier: Dossier) -> bool:
    """Received by post (channel 3) or returned by post (Decision 45/2016/QĐ-TTg)."""
    return dossier.delivery_method == POST or dossier.channel == DossierChannel.POST


@dataclass(frozen=True)
class AccessScope:
    """The active roles one user holds, per agency, read once (`access_scope`)."""

    user: object
    roles: dict[str, frozenset[int]] = field(default_factory=dict)
    agencies: dict[int, Agency] = field(default_factory=dict)
    led: frozenset[int] = frozenset()  # a leader's agencies and everything below them
    # The agencies outside a leader's subtree (empty when it is every agency: the province's leader).
    not_led: frozenset[int] = frozenset()
    memo: dict = field(default_factory=dict, compare=False, repr=False)  # per-request answers

    # ------------------------------------------------------------------ roles
    def holds(self, role: str, agency_id: int | None = None) -> bool:
        """Holds `role` at `agency_id` (anywhere when None)."""
        ids = self.roles.get(role, frozenset())
        return bool(ids) if agency_id is None else agency_id in ids

    def where(self, *roles: str) -> list[int]:
        """Agency ids where the user holds any of these roles (sorted, for stable SQL)."""
        ids: set[int] = set()
        for role in roles:
            ids |= self.roles.get(role, frozenset())
        return sorted(ids)

    @property
    def agency_ids(self) -> list[int]:
        return sorted(self.agencies)

    @property
    def processing_ids(self) -> list[int]:
        return self.where(*PROCESSING_ROLES)

    @property
    def acts_on_dossiers(self) -> bool:
        """Holds a role that changes dossiers (processing, or the postal clerk's return of results):
        a leader or agency administrator who holds none only reads."""
        return bool(self.processing_ids) or self.holds(Role.POSTAL_CLERK)

    def memberships(self) -> list[dict]:
        """The agencies and roles held, per agency by code, roles in their order (the back office's
        home: no query, the scope has them)."""
        labels = dict(Role.choices)
        out = []
        for agency in sorted(self.agencies.values(), key=lambda a: a.code):
            held = sorted(role for role, ids in self.roles.items() if agency.pk in ids)
            out.append({"agency": agency, "roles": [labels.get(role, role) for role in held]})
        return out

    # ------------------------------------------------------------ statistics
    @property
    def statistics_ids(self) -> frozenset[int]:
        """Agencies whose statistics this user reads (issue 12): a leader their agency's subtree, a
        head of unit (approver) the agencies where they are head; nobody any other agency's."""
        return frozenset(self.led) | frozenset(self.where(Role.APPROVER))

    # ------------------------------------------------------------ visibility
    def visible(self) -> Q:
        """The dossiers this user may open as staff, as a filter (mirrors `view_of`)."""
        full = sorted(set(self.processing_ids) | self.led)
        postal = self.where(Role.POSTAL_CLERK)
        condition = Q(pk__in=[])
        if full:
            condition |= Q(agency_id__in=full) | Q(step_agency_id__in=full)
        if postal:
            condition |= Q(agency_id__in=postal) & (Q(delivery_method=POST) | Q(channel=DossierChannel.POST))
        return condition & ~Q(status=DossierStatus.DRAFT)

    def view_of(self, dossier: Dossier) -> View:
        """How much of `dossier` this user sees (no query)."""
        if owns(self.user, dossier):
            return View.OWNER
        if dossier.status == DossierStatus.DRAFT:
            return View.NONE
        places = {dossier.agency_id, dossier.step_agency_id} - {None}
        if places & (set(self.processing_ids) | self.led):
            return View.STAFF
        if self.holds(Role.POSTAL_CLERK, dossier.agency_id) and travels_by_post(dossier):
            return View.POSTAL
        return View.NONE


def owns(user, dossier: Dossier) -> bool:
    """The applicant's own account: they see everything of their dossier, whatever roles they hold."""
    return getattr(user, "is_authenticated", False) and dossier.applicant_id == user.pk


def view_for(user, dossier: Dossier) -> View:
    """`access_scope(user).view_of(dossier)`, without reading the roles for the owner (the first rule
    of `view_of`): a citizen's own pages cost no query for the roles they do not need."""
    return View.OWNER if owns(user, dossier) else access_scope(user).view_of(dossier)


def leads_every_open_dossier(scope: AccessScope) -> bool:
    """True when a leader's subtree holds every open dossier: no agency outside it receives a dossier
    that is still open (one index-only query, none for the province's own leader). The oversight
    queues then leave the agency lists out of their open-status conditions — the same dossiers,
    counted from the (status, deadline) indexes alone. Remembered for the request."""
    if not scope.led:
        return False
    if not scope.not_led:
        return True
    if "every_open" not in scope.memo:
        from .models import OPEN_STATUSES

        scope.memo["every_open"] = not Dossier.objects.filter(
            agency_id__in=sorted(scope.not_led), status__in=sorted(OPEN_STATUSES)
        ).exists()
    return scope.memo["every_open"]


def overseen_agency_ids(scope: AccessScope) -> list[int]:
    """The agencies a user oversees (issue #12, "Leaders and unit heads"): a leader's subtree (`led`),
    and the units where they are head (approver). The oversight queues and figures cover these."""
    return sorted(set(scope.led) | set(scope.where(Role.APPROVER)))


def access_scope(user, *, fresh: bool = False) -> AccessScope:
    """The user's scope, built once per request and remembered on the user object (which lives for
    one request). Services pass fresh=True: a write decides on the roles as they are now."""
    if not getattr(user, "is_authenticated", False):
        return AccessScope(user=user)
    cached = getattr(user, "_access_scope", None)
    if cached is not None and not fresh:
        return cached
    staff_roles = _staff_roles(user)
    if staff_roles and settings.REQUIRE_STAFF_MFA:
        # The MFA middleware's question, answered by the same query (staff_mfa_missing).
        user._has_totp = staff_roles[0].has_totp
    tree = None
    if any(staff_role.role == Role.LEADER for staff_role in staff_roles):
        tree = dict(Agency.objects.values_list("pk", "parent_id"))
    return _scope_of(user, staff_roles, tree)


def access_scopes(users: Iterable, *, parents: dict[int, int | None] | None = None) -> dict[int, AccessScope]:
    """`access_scope` for many users at once (a notification fan-out), by user pk: the same scopes,
    from one query for the roles of them all, plus one for the agency tree when one of them is a
    leader and the caller did not pass the tree (`parents`, pk → parent pk). Each scope is remembered
    on its user object, as `access_scope` does, so that later calls for these objects cost nothing."""
    by_pk: dict[int, list] = {}
    for user in users:
        if getattr(user, "is_authenticated", False):
            by_pk.setdefault(user.pk, []).append(user)
    if not by_pk:
        return {}
    roles_of: dict[int, list[StaffRole]] = {pk: [] for pk in by_pk}
    for staff_role in _active_roles().filter(user_id__in=sorted(by_pk)).order_by("user_id", "pk"):
        roles_of[staff_role.user_id].append(staff_role)
    if parents is None and any(r.role == Role.LEADER for rows in roles_of.values() for r in rows):
        parents = dict(Agency.objects.values_list("pk", "parent_id"))
    scopes: dict[int, AccessScope] = {}
    for pk, objects in by_pk.items():
        scopes[pk] = _scope_of(objects[0], roles_of[pk], parents)
        for user in objects[1:]:
            user._access_scope = scopes[pk]
    return scopes


def _with_totp(roles: QuerySet[StaffRole]) -> QuerySet[StaffRole]:
    """Each role row also says whether its user holds a TOTP authenticator (allauth's
    is_mfa_enabled(user, types=[TOTP]), as a sub-select) where staff MFA is required."""
    if not settings.REQUIRE_STAFF_MFA:
        return roles
    from allauth.mfa.models import Authenticator

    totp = Authenticator.objects.filter(user_id=OuterRef("user_id"), type=Authenticator.Type.TOTP)
    return roles.annotate(has_totp=Exists(totp))


def _active_roles() -> QuerySet[StaffRole]:
    """Roles count only while active, in an active agency."""
    return StaffRole.objects.filter(active=True, agency__active=True).select_related("agency")


_ROLE_FIELDS = [f.attname for f in StaffRole._meta.concrete_fields]
_AGENCY_FIELDS = [f.attname for f in Agency._meta.concrete_fields]


def _staff_roles(user) -> list[StaffRole]:
    """`_with_totp(_active_roles())` of one user, as StaffRole objects with their agency. On PostgreSQL
    one fixed statement, compiled once per process and prepared once per database session
    (onestop.prepared.rows_by_ids): the ORM building this query took ≈ 1.5 ms of every staff page,
    more than reading it (issue #17, docs/performance.md "sixth pass"). Elsewhere, the ORM's query."""
    mfa = settings.REQUIRE_STAFF_MFA
    found = prepared.rows_by_ids(f"staff roles (mfa {mfa})", _role_values, '"onestop_staffrole"."user_id"', [user.pk])
    if found is None:
        return list(_with_totp(_active_roles().filter(user=user)))
    return [_role_from(row, mfa=mfa) for row in found[1]]


def _role_values(user_ids: list[int]) -> QuerySet:
    """The columns `_role_from` reads, in its order: the role's, its agency's, then has_totp."""
    agency = [f"agency__{name}" for name in _AGENCY_FIELDS]
    totp = ["has_totp"] if settings.REQUIRE_STAFF_MFA else []
    return _with_totp(_active_roles().filter(user_id__in=user_ids)).values_list(*_ROLE_FIELDS, *agency, *totp)


def _role_from(row: tuple, *, mfa: bool) -> StaffRole:
    """A StaffRole and its Agency from one row of `_role_values`, as the ORM would build them."""
    split = len(_ROLE_FIELDS)
    staff_role = StaffRole.from_db(DEFAULT_DB_ALIAS, _ROLE_FIELDS, row[:split])
    staff_role.agency = Agency.from_db(DEFAULT_DB_ALIAS, _AGENCY_FIELDS, row[split : split + len(_AGENCY_FIELDS)])
    if mfa:
        staff_role.has_totp = row[-1]
    return staff_role


def _scope_of(user, staff_roles: Iterable[StaffRole], tree: dict[int, int | None] | None) -> AccessScope:
    """The scope from the user's active roles; `tree` (pk → parent pk) is needed for a leader."""
    roles: dict[str, set[int]] = {}
    agencies: dict[int, Agency] = {}
    for staff_role in staff_roles:
        roles.setdefault(staff_role.role, set()).add(staff_role.agency_id)
        agencies[staff_role.agency_id] = staff_role.agency
    led: frozenset[int] = frozenset()
    not_led: frozenset[int] = frozenset()
    if Role.LEADER in roles:
        subtree, others = agency_subtree_in(parents=tree or {}, agency_ids=roles[Role.LEADER])
        led, not_led = frozenset(subtree), frozenset(others)
    scope = AccessScope(
        user=user,
        roles={k: frozenset(v) for k, v in roles.items()},
        agencies=agencies,
        led=led,
        not_led=not_led,
    )
    user._access_scope = scope
    # The same rows answer onestop.selectors.user_is_staff_member (an active role in an active agency,
    # or a superuser), asked by the MFA middleware, this module's decorator and base.html: one query.
    user._is_staff_member = bool(user.is_superuser) or bool(roles)
    return scope


def is_staff_member(user) -> bool:
    """user_is_staff_member, answered from the request's scope (built here once, reused by the view)."""
    if getattr(user, "is_authenticated", False) and getattr(user, "_is_staff_member", None) is None:
        access_scope(user)
    return user_is_staff_member(user=user)


# ------------------------------------------------------------------------------------ fetching


def _record(user, dossier: Dossier, kind: str, *, document: DossierDocument | None = None, request=None) -> None:
    DossierAccessLog.objects.create(
        user=user,
        dossier=dossier,
        kind=kind,
        document=document,
        detail=(request.path if request is not None else "")[:300],
    )


def dossier_for(
    *,
    user,
    public_id: uuid.UUID | str | None = None,
    pk: int | None = None,
    at_least: View = View.POSTAL,
    owner_only: bool = False,
    record: str | None = AccessKind.PAGE,
    request: HttpRequest | None = None,
    queryset: QuerySet[Dossier] | None = None,
) -> Dossier:
    """The dossier, if this user may see at least `at_least` of it; Http404 otherwise — the same
    answer for an unknown id and for somebody else's dossier. The dossier carries `.view` (View).

    `owner_only`: the citizen's own pages (staff use the back office). `record`: the kind of staff
    read to log (None: not a read of personal data, e.g. the page after an action's redirect).
    """
    if not getattr(user, "is_authenticated", False) or (public_id is None and pk is None):
        raise Http404
    queryset = queryset if queryset is not None else Dossier.objects.select_related("procedure", "agency")
    lookup = {"pk": pk} if pk is not None else {"public_id": public_id}
    dossier = queryset.filter(**lookup).first()
    if dossier is None:
        raise Http404
    view = view_for(user, dossier)
    if view < at_least or (owner_only and view != View.OWNER):
        raise Http404
    dossier.view = view
    if record and view in (View.STAFF, View.POSTAL):
        _record(user, dossier, record, request=request)
    return dossier


def dossiers_read(*, user, dossier_ids: list[int], kind: str = AccessKind.FORM, request=None) -> None:
    """Log a staff read of many dossiers at once (a batch of postal slips, a manifest): one row each.
    The caller has selected them through this module's scope (e.g. the postal clerk's agencies)."""
    detail = (request.path if request is not None else "")[:300]
    DossierAccessLog.objects.bulk_create(
        [DossierAccessLog(user=user, dossier_id=pk, kind=kind, detail=detail) for pk in dossier_ids]
    )


def document_for(*, user, public_id, document_id: int, request: HttpRequest | None = None) -> DossierDocument:
    """A file of a dossier: the owner, or staff who see the whole dossier (a postal clerk does not
    open documents); recorded for staff. Http404 otherwise."""
    document = (
        DossierDocument.objects.select_related("dossier", "file").filter(pk=document_id, dossier__public_id=public_id)
    ).first()
    if document is None or not getattr(user, "is_authenticated", False):
        raise Http404
    view = view_for(user, document.dossier)
    if view < View.STAFF:
        raise Http404
    if view == View.STAFF:
        _record(user, document.dossier, AccessKind.FILE, document=document, request=request)
    return document


# ------------------------------------------------------------------------- the register (form 07)


def may_read_register(scope: AccessScope, agency_id: int) -> bool:
    """Form 07 lists every dossier an agency received: its processing staff (the desk keeps it, the
    units read it) and its leaders read it — the same people who may open those dossiers."""
    return agency_id in scope.processing_ids or agency_id in scope.led


def register_agencies(scope: AccessScope) -> list[Agency]:
    """The agencies of the user's own roles whose register they may read (the back office's link and
    the register's chooser), receiving desks first, then by name (no query: the scope has them)."""
    desks = set(scope.where(Role.RECEPTIONIST))
    mine = [agency for pk, agency in scope.agencies.items() if may_read_register(scope, pk)]
    return sorted(mine, key=lambda a: (a.pk not in desks, a.name))


def dossiers_visible(*, user) -> QuerySet[Dossier]:
    """Every dossier the user may open in the back office (for lists and the API)."""
    return Dossier.objects.filter(access_scope(user).visible())


# --------------------------------------------------------------------------- partners' systems


def client_agency_ids(client) -> frozenset[int]:
    """The agencies an API client acts for (remembered on the client object, which lives for one
    request): its agency, and everything below it when `include_subtree` — one query."""
    cached = getattr(client, "_agency_ids", None)
    if cached is None:
        roots = [client.agency_id]
        cached = frozenset(agency_subtree_ids(agency_ids=roots) if client.include_subtree else roots)
        client._agency_ids = cached
    return cached


def client_sees(client, dossier: Dossier) -> bool:
    """Whether an API client may see (and, with dossiers:write, act on) this dossier — no query."""
    if dossier.status == DossierStatus.DRAFT:
        return False
    ids = client_agency_ids(client)
    return dossier.agency_id in ids or (dossier.step_agency_id is not None and dossier.step_agency_id in ids)


def dossiers_for_client(*, client) -> QuerySet[Dossier]:
    """The dossiers an API client may list (mirrors `client_sees`)."""
    ids = sorted(client_agency_ids(client))
    return Dossier.objects.filter(Q(agency_id__in=ids) | Q(step_agency_id__in=ids)).exclude(status=DossierStatus.DRAFT)


def dossier_for_client(*, client, public_id, queryset: QuerySet[Dossier] | None = None) -> Dossier:
    """Fetch and authorise in one call for an API client: Http404 for missing and not-yours alike."""
    queryset = queryset if queryset is not None else Dossier.objects.all()
    try:
        dossier = queryset.filter(public_id=public_id).first()
    except (ValueError, DjangoValidationError):
        dossier = None
    if dossier is None or not client_sees(client, dossier):
        raise Http404
    return dossier


# --------------------------------------------------------------------------- the back-office door


def staff_mfa_missing(user) -> bool:
    """True when staff must enrol TOTP first (REQUIRE_STAFF_MFA) and have not."""
    if not settings.REQUIRE_STAFF_MFA or not user.is_authenticated:
        return False
    known = getattr(user, "_has_totp", None)  # read with the roles in this request (access_scope)
    if known is not None:
        return not known
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    return not is_mfa_enabled(user, types=[Authenticator.Type.TOTP])


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Back-office views: anonymous users go to the login page, citizens get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# ---------------------------------------------------------------------------------- statistics


def may_read_statistics(user) -> bool:
    return bool(access_scope(user).statistics_ids)


def statistics_agencies_for(*, user, code: str | None = None) -> tuple[Agency, list[int], list[Agency]]:
    """(the chosen agency, the ids whose figures are counted — its subtree within what the user may
    read —, the agencies the user may choose). `code` picks one of them; the default is the highest
    one. Http404 for a user who reads no statistics or an agency that is not theirs (the same answer
    as for an unknown code). Two queries (the roles, the agency tree)."""
    allowed = access_scope(user).statistics_ids
    if not allowed:
        raise Http404
    choices = list(Agency.objects.filter(pk__in=sorted(allowed), active=True).order_by("code"))
    by_id = {a.pk: a for a in choices}
    # Highest first: an agency whose parent is not itself a choice is a root of the user's trees.
    roots = [a for a in choices if a.parent_id not in by_id]
    if code:
        chosen = next((a for a in choices if a.code == code), None)
        if chosen is None:
            raise Http404
    elif roots:
        chosen = roots[0]
    else:
        raise Http404
    ids = sorted(agency_subtree_ids(agency_ids=[chosen.pk]) & allowed)
    ordered = sorted(choices, key=lambda a: (a not in roots, a.code))
    return chosen, ids, ordered
