"""Filters, search and sort of the back-office queues (django-filter).

The selects are rendered from plain data (`select_options`), as the public catalogue does
(procedures/views.py): Django's Select widget rendered option by option was most of that page's time.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from html import escape

import django_filters
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from procedures.models import Procedure, Sector

from ..access import AccessScope
from ..models import Dossier, DossierChannel, DossierStatus, Role
from ..search import filter_dossiers
from .oversight import officers_in_scope, oversight_agencies
from .queue_reads import scope_key
from .queues import procedures_in_scope, staff_of_units

# (value, label, ORDER BY): the deadline of the queue is the default, added by the view.
SORTS: list[tuple[str, str, tuple[str, ...]]] = [
    ("deadline", _("Deadline, earliest first"), ()),
    ("-deadline", _("Deadline, latest first"), ()),
    ("-submitted", _("Submitted, newest first"), ("-submitted_at",)),
    ("submitted", _("Submitted, oldest first"), ("submitted_at",)),
    ("due", _("Appointment date"), ("due_at",)),
    ("code", _("Dossier code"), ("code",)),
    ("applicant", _("Applicant name"), ("applicant_name",)),
    ("procedure", _("Procedure"), ("procedure__name",)),
    ("agency", _("Receiving agency"), ("agency__name",)),
    ("officer", _("Officer"), ("assignee__full_name",)),
]
SORT_ORDER = {value: order for value, _label, order in SORTS}


class Shared(list):
    """A list of choices that is never changed once built (the queues' constant choices, a scope's kept
    lists: ScopeOptions), handed as it is to every form built from it. Django's Form deep-copies its
    fields, choices included, for each form: ≈ 1 ms a page for the lists of a province's leader
    (issue #17, docs/performance.md "sixth pass")."""

    def __deepcopy__(self, memo):
        return self


STATUS_CHOICES = Shared((value, label) for value, label in DossierStatus.choices if value != DossierStatus.DRAFT)
_DIGITS = re.compile(r"[\d\s.+-]+")


def _start_of(day: dt.date) -> dt.datetime:
    """Local midnight (Asia/Ho_Chi_Minh) as an aware datetime: date filters stay index-friendly."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# The filters whose values come from a list (not words, not dates): a queue's page under them can be
# compiled once per scope and choices (DossierQueueFilter.choices).
CHOICE_FILTERS = frozenset({"procedure", "agency", "sector", "officer", "status", "channel", "sort"})


class DossierQueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search", label=_("Search by code, applicant, phone, ID number or procedure")
    )
    procedure = django_filters.ModelChoiceFilter(
        queryset=Procedure.objects.all(), to_field_name="code", label=_("Procedure"), empty_label=_("All procedures")
    )
    agency = django_filters.ChoiceFilter(method="filter_agency", label=_("Agency or unit"), empty_label=_("All"))
    # The oversight queues only (queues.Queue.oversight): leaders and heads of unit.
    sector = django_filters.ModelChoiceFilter(
        queryset=Sector.objects.all(),
        to_field_name="code",
        field_name="procedure__sector",
        label=_("Sector"),
        empty_label=_("All sectors"),
    )
    officer = django_filters.ChoiceFilter(method="filter_officer", label=_("Officer"), empty_label=_("All officers"))
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, label=_("Status"), empty_label=_("All statuses"))
    channel = django_filters.ChoiceFilter(
        choices=Shared(DossierChannel.choices), label=_("Channel"), empty_label=_("All channels")
    )
    submitted_from = django_filters.DateFilter(method="filter_submitted_from", label=_("Submitted from"))
    submitted_to = django_filters.DateFilter(method="filter_submitted_to", label=_("Submitted until"))
    due_from = django_filters.DateFilter(method="filter_due_from", label=_("Appointment from"))
    due_to = django_filters.DateFilter(method="filter_due_to", label=_("Appointment until"))
    sort = django_filters.ChoiceFilter(
        choices=Shared((v, label) for v, label, _o in SORTS), method="filter_sort", label=_("Sort by"), empty_label=None
    )

    def __init__(
        self, data=None, queryset=None, *, scope: AccessScope, deadline: str, oversight: bool = False, **kwargs
    ):
        """`queryset`: the queue's dossiers, or a function that builds them — called only when the
        page is read through the ORM: a page read by a statement compiled once needs no QuerySet, and
        building the queue's took ≈ 0.5 ms of each queue page (docs/performance.md, ninth pass)."""
        self.scope = scope
        self.deadline = deadline
        self.oversight = oversight
        self._build = None if queryset is None or isinstance(queryset, QuerySet) else queryset
        super().__init__(data, Dossier.objects.none() if self._build else queryset, **kwargs)
        self.options = scope_options(scope, oversight=oversight)
        # Agency id → the ids it stands for in the filter: itself, and below it within a leader's subtree.
        self.below = self.options.below
        self.filters["agency"].extra["choices"] = self.options.lists["agency"]
        if oversight:
            self.filters["officer"].extra["choices"] = self.options.lists["officer"]
        else:
            del self.filters["sector"]
            del self.filters["officer"]

    @property
    def queryset(self) -> QuerySet:
        if self._build is not None:
            self._queryset, self._build = self._build(), None
        return self._queryset

    @queryset.setter
    def queryset(self, value: QuerySet) -> None:
        self._queryset = value

    @property
    def in_queue_order(self) -> bool:
        """True when the rows are asked for in the queue's own order (no order asked, an invalid one, or
        the deadline's), as `qs` orders them (filter_queryset)."""
        if not self.is_bound:
            return True
        self.form.is_valid()  # validates the form: cleaned_data holds its valid fields
        return self.form.cleaned_data.get("sort") in (None, "", "deadline")

    @property
    def is_filtered(self) -> bool:
        """True when anything narrows the queue (the navigation's count then no longer applies)."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return any(value not in (None, "") for name, value in data.items() if name != "sort")

    @property
    def searched(self) -> bool:
        """True when the queue is searched (every candidate is then read from the table to be tested)."""
        return self.is_bound and self.form.is_valid() and bool((self.form.cleaned_data.get("q") or "").strip())

    @property
    def text_search(self) -> str:
        """The words searched for when a text search is all the request asks (no other filter, the queue's
        own order): such a page's statement is compiled once per scope (queue_reads.searched_ids);
        "" otherwise. Digits (a phone, an ID number, a code) are searched otherwise (filter_search)."""
        if not self.searched:
            return ""
        data = self.form.cleaned_data
        if any(value not in (None, "") for name, value in data.items() if name not in ("q", "sort")):
            return ""
        value = data["q"].strip()
        return "" if not self.in_queue_order or _DIGITS.fullmatch(value) else value

    @property
    def choices(self) -> tuple[tuple[str, str], ...] | None:
        """The filters asked for when each is a choice from its list (CHOICE_FILTERS: a procedure, an
        agency, a sector, an officer, a status, a channel, an order), as a key: such a page's
        statements are compiled once per scope and choices (queue_reads.ChoiceReads). None when words
        or a date are asked for, or the form is not valid."""
        if not (self.is_bound and self.form.is_valid()):
            return None
        chosen = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, ""):
                continue
            if name not in CHOICE_FILTERS:
                return None
            if name == "agency":  # it stands for the agencies below it too (filter_agency): the key says which
                value = ",".join(str(pk) for pk in sorted(self.below.get(int(value), {int(value)})))
            chosen.append((name, str(getattr(value, "pk", value))))
        return tuple(sorted(chosen))

    def searched_for(self, query: str) -> QuerySet:
        """This queue's dossiers as a request searching for `query` alone reads them (text_search)."""
        alone = type(self)(
            {"q": query}, queryset=self.queryset, scope=self.scope, deadline=self.deadline, oversight=self.oversight
        )
        return alone.qs

    def parts(self, parts: list[QuerySet]) -> list[QuerySet] | None:
        """The queue's branches (queues.queue_parts) under the same filters, for QueueRows; None when
        the rows are not in the queue's default order (another sort reads the whole queue)."""
        if not parts:
            return None
        default = parts[0].query.order_by
        if self.qs.query.order_by != default:
            return None
        if self.is_bound:
            self.errors  # noqa: B018 — validates the form, as `qs` does before filtering
            parts = [self.filter_queryset(part.all()) for part in parts]
        return parts if all(part.query.order_by == default for part in parts) else None

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):  # invalid or missing: the queue's own order
            queryset = self.filter_sort(queryset, "sort", "deadline")
        return queryset

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        if _DIGITS.fullmatch(value):  # a phone, an ID number or the digits of a code
            digits = re.sub(r"\D", "", value)
            if digits.startswith("84") and len(digits) >= 11:
                digits = "0" + digits[2:]
            return queryset.filter(
                Q(applicant_phone__startswith=digits)
                | Q(applicant_id_number__startswith=digits)
                | Q(code__contains=value)
                | Q(procedure__code=value)
            )
        # Accent- and case-insensitive, on an index (onestop.search).
        return filter_dossiers(queryset, value)

    def filter_agency(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        ids = sorted(self.below.get(int(value), {int(value)}))
        return queryset.filter(Q(agency_id__in=ids) | Q(step_agency_id__in=ids))

    def filter_officer(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(assignee_id=int(value))

    def filter_submitted_from(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(submitted_at__gte=_start_of(value))

    def filter_submitted_to(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(submitted_at__lt=_start_of(value + dt.timedelta(days=1)))

    def filter_due_from(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(due_at__gte=_start_of(value))

    def filter_due_to(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(due_at__lt=_start_of(value + dt.timedelta(days=1)))

    def filter_sort(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value in ("deadline", "-deadline"):
            column = F(self.deadline)
            first = column.desc(nulls_last=True) if value.startswith("-") else column.asc(nulls_last=True)
            return queryset.order_by(first, "-pk" if value.startswith("-") else "pk")
        order = SORT_ORDER.get(value, ())
        return queryset.order_by(*order, "pk")


def _descendants(parents: dict[int, int | None]) -> dict[int, set[int]]:
    """Each agency → itself and every agency below it (among those given)."""
    out: dict[int, set[int]] = {pk: {pk} for pk in parents}
    for pk in parents:
        node, seen = parents.get(pk), {pk}
        while node is not None and node in parents and node not in seen:
            out[node].add(pk)
            seen.add(node)
            node = parents.get(node)
    return out


class ScopeOptions:
    """The selects' lists that depend on who looks (the procedures, agencies, officers and sectors a
    user's queues may show), each also as its escaped <option>s with none selected."""

    def __init__(self, lists: dict[str, list[tuple[str, str]]], below: dict[int, set[int]]) -> None:
        self.lists = {name: Shared(options) for name, options in lists.items()}
        self.below = below
        self.tags = {name: _option_tags(options, "") for name, options in self.lists.items()}


# Kept per scope in this process for OPTIONS_SECONDS (issue #17: their four queries, ORM compiling and
# escaping were ≈ 3 ms of a desk's queue page and ≈ 8 ms of a province leader's, whose lists hold every
# agency, procedure and officer of the province). A write to the catalogue, the agencies or the staff
# empties this process's copy at once (onestop.signals); other processes see it within the minute.
# The queues themselves are always read live.
OPTIONS_SECONDS = 60
_OPTIONS: dict[tuple, tuple[float, ScopeOptions]] = {}
_OPTIONS_MAX = 1024


def _kept(key: tuple, build: Callable[[], object]):
    """`build()`, kept under `key` in this process for OPTIONS_SECONDS (see above)."""
    now = time.monotonic()
    kept = _OPTIONS.get(key)
    if kept is not None and kept[0] > now:
        return kept[1]
    value = build()
    if len(_OPTIONS) >= _OPTIONS_MAX:
        _OPTIONS.clear()
    _OPTIONS[key] = (now + OPTIONS_SECONDS, value)
    return value


def scope_options(scope: AccessScope, *, oversight: bool) -> ScopeOptions:
    return _kept((scope_key(scope), oversight), lambda: _scope_options(scope, oversight=oversight))


def bulk_assignees(scope: AccessScope) -> list[tuple[int, str, str]]:
    """(id, full name, email) of the officers a head of unit may assign the pool's dossiers to (the
    bulk assignment's select), kept like the filters' lists. What is posted is checked against the
    officers as they are then (views.bulk_assign: BulkAssignForm on the live query)."""
    return _kept((scope_key(scope), "bulk"), lambda: list(assignees(scope).values_list("pk", "full_name", "email")))


def assignees(scope: AccessScope) -> QuerySet:
    """The officers of the head of unit's units who may be assigned a dossier (the live query)."""
    return staff_of_units(agency_ids=scope.where(Role.APPROVER), roles=[Role.SPECIALIST, Role.APPROVER])


def _scope_options(scope: AccessScope, *, oversight: bool) -> ScopeOptions:
    lists: dict[str, list[tuple[str, str]]] = {}
    below: dict[int, set[int]] = {}
    if scope.led:  # a leader: every agency of the subtree (one query)
        tree = oversight_agencies(scope=scope)
        lists["agency"] = [(str(pk), f"{name} ({code})") for pk, name, code, _p in tree]
        # Agency id → the ids it stands for in the filter: itself, and below it within the subtree.
        below = _descendants({pk: parent for pk, _n, _c, parent in tree})
    else:
        agencies = sorted(scope.agencies.values(), key=lambda a: a.name)
        lists["agency"] = [(str(a.pk), f"{a.name} ({a.code})") for a in agencies]
    procedures = procedures_in_scope(scope=scope).values_list("code", "name")
    lists["procedure"] = [(code, f"{code} — {name}") for code, name in procedures]
    if oversight:
        officers = officers_in_scope(scope=scope).values_list("pk", "full_name", "email")
        lists["officer"] = [(str(pk), name or email) for pk, name, email in officers]
        lists["sector"] = list(Sector.objects.order_by("name").values_list("code", "name"))
    return ScopeOptions(lists, below)


def forget_scope_options() -> None:
    """Empty this process's kept lists (a procedure, process step, agency, sector, role or account
    was written: onestop.signals)."""
    _OPTIONS.clear()


# The constant selects' <option>s by (language, select, chosen value): the same few strings on every
# page, whose labels were translated and escaped each time (≈ 0.3 ms a page, issue #17). Only a value of
# the select's own is kept as chosen: the keys are few, whatever is typed in the address.
_CONSTANT_TAGS: dict[tuple[str, str, str], str] = {}


def select_options(queue_filter: DossierQueueFilter) -> list[dict]:
    """The filter selects as plain data: the lists that depend on the user from `scope_options`, the
    others (status, channel, sort) from the form's choices."""
    form = queue_filter.form
    kept = queue_filter.options
    selects = []
    names = ["procedure", "agency", "status", "channel", "sort"]
    if queue_filter.oversight:
        names[1:1] = ["sector"]
        names[3:3] = ["officer"]
    for name in names:
        field = form.fields[name]
        current = str(form[name].value() or "")
        if name in kept.lists:
            options = kept.lists[name]
            tags = kept.tags[name] if not current else _option_tags(options, current)
        else:  # a constant list (status, channel, order): its <option>s kept per language and choice
            key = (get_language(), name, current)
            tags = _CONSTANT_TAGS.get(key)
            if tags is None:
                options = [(str(value), label) for value, label in field.choices if value != ""]
                tags = _option_tags(options, current)
                if not current or any(value == current for value, _label in options):  # never what was typed
                    _CONSTANT_TAGS[key] = tags
        empty = getattr(field, "empty_label", None) if name != "sort" else None
        head = f'<option value="">{escape(str(empty))}</option>' if empty else ""
        selects.append(
            {
                "name": name,
                "id": f"id_{name}",
                "label": field.label,
                "empty": empty,
                # The <option>s as one escaped string: a hundred options cost the template engine
                # ≈ 1 ms node by node (issue #17), format_html a tenth of it.
                "options_html": mark_safe(head + tags),  # noqa: S308 — built from escaped values only
            }
        )
    return selects


def _option_tags(options: list[tuple[str, str]], current: str) -> str:
    """The <option>s, every value and label escaped (the standard library's html.escape, which
    Django's escape also calls, without format_html's per-argument machinery: a few hundred
    procedures in a desk's select cost ≈ 3 ms that way, issue #17)."""
    return "".join(
        f'<option value="{escape(str(value))}"{" selected" if value == current else ""}>{escape(str(label))}</option>'
        for value, label in options
    )
