"""Dossiers (hồ sơ), their documents and events (DESIGN §4.1–4.2).

Status changes only through onestop.workflow.transitions.dossier_transition, which writes a
DossierEvent in the same transaction. Statuses carry the national portal's TrangThaiHoSo codes.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import CharField, F, Func
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .roles import Role


class DossierStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, waiting for the check")
    RECEIVED = "received", _("Received")
    PROCESSING = "processing", _("Being processed")
    REJECTED = "rejected", _("Not accepted")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    AWAITING_PAYMENT = "awaiting_payment", _("Waiting for payment")
    WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
    STOPPED = "stopped", _("Processing stopped")
    RESOLVED = "resolved", _("Result ready")
    RETURNED = "returned", _("Result returned")


# National TrangThaiHoSo codes (REFERENCE.md); drafts exist only in the portal.
NATIONAL_STATUS_CODE: dict[str, int | None] = {
    DossierStatus.DRAFT: None,
    DossierStatus.SUBMITTED: 1,
    DossierStatus.RECEIVED: 2,
    DossierStatus.REJECTED: 3,
    DossierStatus.PROCESSING: 4,
    DossierStatus.SUPPLEMENT_REQUESTED: 5,
    DossierStatus.AWAITING_PAYMENT: 6,
    DossierStatus.WITHDRAWN: 7,
    DossierStatus.STOPPED: 8,
    DossierStatus.RESOLVED: 9,
    DossierStatus.RETURNED: 10,
}

OPEN_STATUSES = frozenset(
    {
        DossierStatus.SUBMITTED,
        DossierStatus.RECEIVED,
        DossierStatus.PROCESSING,
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.AWAITING_PAYMENT,
    }
)
# Received and not finished (national 2, 4, 5, 6): "in progress" in the statistics (onestop.statistics).
IN_PROGRESS_STATUSES = (
    DossierStatus.RECEIVED,
    DossierStatus.PROCESSING,
    DossierStatus.SUPPLEMENT_REQUESTED,
    DossierStatus.AWAITING_PAYMENT,
)


class ApplicantKind(models.TextChoices):
    SELF = "self", _("For myself")
    ORGANISATION = "organisation", _("For an organisation")


class DossierChannel(models.IntegerChoices):
    """National KenhThucHien."""

    COUNTER = 1, _("At the counter")
    ONLINE = 2, _("Online")
    POST = 3, _("By public post")


class CurrentStepRole(Func):
    """`snapshot["process"][current_step - 1]["role"]` in SQL (PostgreSQL jsonb or SQLite JSON1).

    The step's role lives in the dossier's process snapshot. Reading it needs the snapshot itself
    (≈ 2 KB, TOASTed in PostgreSQL), ≈ 8 µs a row: the approval queue reads it from the partial index
    `dossier_approval` instead, whose predicate is this very expression (docs/performance.md).
    """

    output_field = CharField()
    arity = 2

    def __init__(self, **extra):
        super().__init__(F("snapshot"), F("current_step"), **extra)

    def as_sql(self, compiler, connection, **extra_context):
        snapshot_sql, snapshot_params = compiler.compile(self.source_expressions[0])
        step_sql, step_params = compiler.compile(self.source_expressions[1])
        if connection.vendor == "postgresql":
            sql = f"(({snapshot_sql} -> 'process') -> (({step_sql}) - 1)) ->> 'role'"
        else:  # SQLite: json_extract with a path built from the step number
            sql = f"json_extract({snapshot_sql}, '$.process[' || (({step_sql}) - 1) || '].role')"
        return sql, (*snapshot_params, *step_params)


def current_step_role_is(role: str) -> Exact:
    return Exact(CurrentStepRole(), role)


# The statuses whose deadlines run (onestop.backoffice.queues.AFTER_RECEIPT_RUNNING).
_RUNNING = models.Q(status__in=["received", "processing", "awaiting_payment"])
# Received and not finished (onestop.backoffice.queues.IN_PROGRESS).
_IN_PROGRESS = models.Q(status__in=["received", "processing", "supplement_requested", "awaiting_payment"])


class Dossier(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Assigned at submission (DESIGN §4.2); never changes afterwards, supplements included.
    code = models.CharField(_("dossier code"), max_length=60, unique=True, null=True, blank=True)
    procedure = models.ForeignKey(
        "procedures.Procedure", verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="dossiers"
    )
    agency = models.ForeignKey(
        "procedures.Agency", verbose_name=_("receiving agency"), on_delete=models.PROTECT, related_name="dossiers"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="dossiers"
    )
    status = models.CharField(_("status"), max_length=24, choices=DossierStatus.choices, default=DossierStatus.DRAFT)
    channel = models.PositiveSmallIntegerField(
        _("channel"), choices=DossierChannel.choices, default=DossierChannel.ONLINE
    )

    # Who the dossier is for, as declared (kept even if the profile changes later).
    applicant_kind = models.CharField(max_length=15, choices=ApplicantKind.choices, default=ApplicantKind.SELF)
    applicant_name = models.CharField(_("applicant name"), max_length=150, blank=True)
    applicant_id_number = models.CharField(_("ID number"), max_length=12, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=15, blank=True)
    applicant_email = models.EmailField(_("email"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    organisation_name = models.CharField(_("organisation name"), max_length=300, blank=True)
    organisation_tax_code = models.CharField(_("tax code"), max_length=14, blank=True)

    form_data = models.JSONField(_("application form"), default=dict, blank=True)
    delivery_method = models.CharField(_("result delivery"), max_length=10, blank=True)
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    delivery_phone = models.CharField(_("delivery phone"), max_length=15, blank=True)
    # The delivery address on the two-tier map (administrative-unit codes): the postage zone.
    delivery_province_code = models.CharField(_("delivery province code"), max_length=10, blank=True)
    delivery_ward_code = models.CharField(_("delivery ward or commune code"), max_length=10, blank=True)
    # Received by post (channel 3, Decision 45/2016/QĐ-TTg): where and when the post collected the
    # dossier from the applicant (street, ward or commune, province: the 2025 two-tier map).
    pickup_address = models.CharField(_("pickup address"), max_length=300, blank=True)
    collected_at = models.DateTimeField(_("collected by the post at"), null=True, blank=True)
    declaration_accepted = models.BooleanField(default=False)
    # What the dossier depends on, copied from the procedure at submission: editing a published
    # procedure later never changes it (documents, fees, times, process, cut-off).
    snapshot = models.JSONField(default=dict, blank=True)
    wizard_step = models.CharField(max_length=20, default="applicant")

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Decree 118/2025/NĐ-CP practice: an online dossier is checked within 8 working hours.
    check_due_at = models.DateTimeField(_("check due at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due date"), null=True, blank=True)
    # When the result was approved (national 9): the moment statistics compare with due_at.
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)

    # --- processing (the back office): where the dossier is in its ProcessDefinition snapshot.
    current_step = models.PositiveSmallIntegerField(_("current step"), null=True, blank=True)
    step_agency = models.ForeignKey(
        "procedures.Agency",
        verbose_name=_("unit of the current step"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers_at_step",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_dossiers",
    )
    step_due_at = models.DateTimeField(_("step due at"), null=True, blank=True)
    # Supplement time does not count (Decree 118/2025/NĐ-CP practice): the clock pauses at the request
    # with the working minutes that were left, and resumes with them.
    paused_at = models.DateTimeField(null=True, blank=True)
    remaining_minutes = models.IntegerField(null=True, blank=True)
    step_remaining_minutes = models.IntegerField(null=True, blank=True)
    supplement_requests = models.PositiveSmallIntegerField(default=0)
    extensions = models.PositiveSmallIntegerField(default=0)
    # Bumped by every transition: the compare-and-set guard against two actors at once.
    version = models.PositiveIntegerField(default=0)
    # Code, applicant and organisation without diacritics, lower case (onestop.search): the staff search
    # on SQLite. PostgreSQL searches its own generated column instead (migration 0011).
    search_text = models.TextField(editable=False, default="", blank=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=DossierStatus.values), name="dossier_status_valid"),
            models.CheckConstraint(
                condition=models.Q(status=DossierStatus.DRAFT) | models.Q(code__isnull=False),
                name="dossier_code_after_submission",
            ),
        ]
        indexes = [
            models.Index(fields=["applicant", "-created_at"], name="dossier_applicant_recent"),
            models.Index(fields=["agency", "status", "check_due_at"], name="dossier_agency_status_check"),
            models.Index(fields=["step_agency", "status", "step_due_at"], name="dossier_unit_status_due"),
            models.Index(fields=["assignee", "status", "step_due_at"], name="dossier_assignee_status_due"),
            models.Index(fields=["status", "due_at"], name="dossier_status_due"),
            models.Index(fields=["status", "step_due_at"], name="dossier_status_step_due"),
            models.Index(fields=["status", "check_due_at"], name="dossier_status_check_due"),
            # The due-soon and overdue queues per desk and per unit (bench/queue_page.py, EXPLAIN).
            models.Index(fields=["agency", "status", "due_at"], name="dossier_agency_status_due"),
            models.Index(fields=["step_agency", "status", "due_at"], name="dossier_unit_status_appt"),
            # Partial indexes for the deadline queues' counts (onestop.backoffice.queue_reads.count_sql: one
            # index-only scan per branch, the id included for the UNION of the branches). With the full
            # indexes above PostgreSQL misjudged "status submitted/running AND deadline in a range" (it
            # multiplies the two selectivities; the columns are correlated) and read the province-wide
            # (status, deadline) range, then the heap: the head of unit's overdue count took 10 ms, due
            # soon 16 ms at 1M dossiers (docs/performance.md, issue #17).
            models.Index(
                fields=["check_due_at"],
                name="dossier_submitted_check",
                include=["agency", "due_at", "id"],  # due_at: a page in the appointment's order, index-only
                condition=models.Q(status="submitted"),
            ),
            # The same dossiers walked in the appointment's order, the check's deadline read in the index: the
            # province leader's overdue dossiers waiting for their check, first rows (the home). Through
            # (status, due_at) each submitted dossier whose check is not due yet was read from the heap to be
            # left out (2,900 at 1M dossiers: 3.8 → 1.0 ms, docs/performance.md, issue #17).
            models.Index(
                fields=["due_at"],
                name="dossier_submitted_by_due",
                include=["check_due_at", "agency", "id"],
                condition=models.Q(status="submitted"),
            ),
            models.Index(
                fields=["step_agency", "step_due_at"],
                name="dossier_running_unit_step",
                include=["due_at", "id"],
                condition=_RUNNING,
            ),
            # These two also count "in progress" (received and not finished: the running statuses and
            # the supplement requested), the status and the received and resolved dates included to
            # tell them apart without the heap (onestop.backoffice.queues.RECEIVED_NOT_FINISHED); the
            # desk's carries the step's unit and deadline for "due soon" (not late at a unit of the user's).
            models.Index(
                fields=["step_agency", "due_at"],
                name="dossier_running_unit_appt",
                include=["step_due_at", "status", "received_at", "resolved_at", "id"],
                condition=_IN_PROGRESS,
            ),
            models.Index(
                fields=["agency", "due_at"],
                name="dossier_running_desk_appt",
                include=["status", "step_agency", "step_due_at", "received_at", "resolved_at", "id"],
                condition=_IN_PROGRESS,
            ),
            # A province's leader (leads_every_open_dossier): the deadline queues' branches without agency
            # lists, each an index-only range (the appointment; the step's deadline with the appointment
            # included for "not late yet"). Without them PostgreSQL read each candidate from the heap:
            # the leader's counts took 40 ms at 1M dossiers, 15 ms with them (docs/performance.md, #17).
            models.Index(
                fields=["due_at"],
                name="dossier_running_by_due",
                include=["step_agency", "step_due_at", "id"],
                condition=_RUNNING,
            ),
            models.Index(
                fields=["step_due_at"],
                name="dossier_running_by_step_due",
                include=["due_at", "id"],
                condition=_RUNNING & models.Q(step_agency__isnull=False),
            ),
            # "My work" (onestop.backoffice.queues._mine): the officer's dossiers in hand in the order of the
            # step's deadline, with the agencies the visibility check reads — its count and page index-only
            # (every processing officer's counts hold it: 1.2 → 0.2 ms at 1M dossiers, docs/performance.md).
            models.Index(
                fields=["assignee", "step_due_at"],
                name="dossier_mine",
                include=["agency", "step_agency", "id"],
                condition=models.Q(status__in=["received", "processing"]),
            ),
            # "Waiting for assignment" (onestop.backoffice.queues._pool): its count is index-only.
            models.Index(
                fields=["step_agency", "step_due_at"],
                name="dossier_pool",
                include=["id"],
                condition=models.Q(assignee__isnull=True, status__in=["received", "processing"]),
            ),
            # "Waiting for approval" (_approval): the current step's role is read from the snapshot
            # (CurrentStepRole, ≈ 8 µs a row to detoast); as this index's predicate it is evaluated once,
            # when the row is written, and the count is index-only (11 ms → 0.1 ms at 1M dossiers).
            models.Index(
                fields=["step_agency", "step_due_at"],
                name="dossier_approval",
                include=["assignee", "id"],
                condition=models.Q(status="processing") & models.Q(current_step_role_is(Role.APPROVER)),
            ),
            # "Waiting for reception" (_inbox) exactly: online dossiers to check, and parcels registered
            # by the postal clerk that no one at the desk has taken yet. Its page ids and its count are
            # index-only; the desk's overdue check (status submitted, check passed, in the order of the
            # appointment) too. Before, the parcels' branch ANDed two bitmaps of 2,000 and 4,700 entries
            # to find five dossiers (≈ 4 ms at 1M, docs/performance.md "Queue rows: the page's ids first").
            models.Index(
                fields=["agency", "check_due_at"],
                name="dossier_inbox",
                include=["due_at", "status", "id"],
                condition=models.Q(status="submitted")
                | models.Q(status="received", channel=3, current_step=1, assignee__isnull=True),
            ),
            # The parcels' branch of the inbox's count alone, each of its conditions the index's own: its
            # count index-only (through dossier_inbox, whose condition is the OR of both, the channel,
            # step and assignee had to be read from the heap: PostgreSQL ANDed a bitmap of every
            # submitted-or-received dossier's status, 0.9 ms of a receptionist's every page at 1M
            # dossiers, docs/performance.md "sixth pass"). A handful of rows.
            models.Index(
                fields=["agency", "check_due_at"],
                name="dossier_inbox_parcels",
                include=["due_at", "id"],
                condition=models.Q(status="received", channel=3, current_step=1, assignee__isnull=True),
            ),
            # Form 07 and the register line of form 01: an agency's receptions in order.
            models.Index(fields=["agency", "received_at"], name="dossier_agency_received"),
            # "Received today" of leaders and heads of unit: a day's range, then their agencies (issue #12).
            models.Index(fields=["received_at"], name="dossier_received"),
            # Statistics (onestop.statistics): the dossiers received, resolved or closed in a range of days.
            models.Index(fields=["resolved_at"], name="dossier_resolved_at"),
            models.Index(fields=["closed_at"], name="dossier_closed_at"),
            # The partners' feed (/api/v1/dossiers/, cursor on updated_at then id).
            models.Index(fields=["updated_at", "id"], name="dossier_updated"),
            # "In progress" of a province's leader (issue #12; onestop.backoffice.queues.RECEIVED_NOT_FINISHED):
            # every dossier in hand in the order of the appointment. A page is the first rows of this index,
            # not a sort of the whole set (docs/performance.md, "Leaders' oversight queues at 1M dossiers");
            # its condition is the queue's, whose columns PostgreSQL cannot estimate together.
            models.Index(
                fields=["due_at", "id"],
                name="dossier_in_hand_by_due",
                condition=models.Q(
                    status__in=[str(s) for s in IN_PROGRESS_STATUSES],
                    received_at__isnull=False,
                    resolved_at__isnull=True,
                    closed_at__isnull=True,
                ),
            ),
            # The statistics' live stock (onestop.statistics.selectors.stock): the dossiers in hand
            # now with every column the stock reads, for an index-only scan.
            models.Index(
                fields=["received_at", "agency", "step_agency", "procedure", "channel", "due_at", "paused_at"],
                name="dossier_in_hand_stock",
                condition=models.Q(
                    status__in=[str(s) for s in IN_PROGRESS_STATUSES], resolved_at__isnull=True, closed_at__isnull=True
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.code or str(self.public_id)

    def save(self, *args, **kwargs) -> None:
        """Keep `search_text` with the fields it is made of (every write of a dossier is a save())."""
        from ..search import SEARCHED_FIELDS, dossier_search_text

        update_fields = kwargs.get("update_fields")
        if update_fields is None or SEARCHED_FIELDS & set(update_fields):
            self.search_text = dossier_search_text(self)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def national_status(self) -> int | None:
        return NATIONAL_STATUS_CODE[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class DossierCounter(models.Model):
    """The per-agency, per-day sequence behind dossier codes, row-locked at submission."""

    agency = models.ForeignKey("procedures.Agency", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossiercounter_unique_agency_day")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last_value}"


class StoredFile(models.Model):
    """A file a user uploaded, stored under a random name outside any public URL (STYLE §7)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stored_files")
    storage_name = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self) -> str:
        return self.original_name


class DocumentRole(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted with the application")
    SUPPLEMENT = "supplement", _("Supplement")
    RESULT = "result", pgettext_lazy("result document", "Result")
    # Added while the dossier is processed: by an officer, or by a partner's system (another
    # agency's opinion in an inter-agency procedure) through /api/v1/dossiers/<id>/documents/.
    ADDED = "added", _("Added during processing")


class DossierDocument(models.Model):
    """A file attached to a dossier for one required document (by its code in the snapshot)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    requirement_code = models.CharField(max_length=40)
    requirement_name = models.CharField(max_length=1000)
    file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="dossier_documents")
    role = models.CharField(max_length=12, choices=DocumentRole.choices, default=DocumentRole.SUBMITTED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "requirement_code", "file"], name="dossierdocument_unique_file_per_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.requirement_name}: {self.file.original_name}"


class DossierEvent(models.Model):
    """Every change of a dossier: who, what, from, to, when, why (STYLE §6). Form 06 reads these."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    # The unit holding the dossier after the event (its step's unit, else the receiving desk): the
    # processing time per unit is counted from these columns, never from `data` (onestop.statistics).
    unit = models.ForeignKey(
        "procedures.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Citizens and the public tracking page see public milestones; staff see everything.
    public = models.BooleanField(default=True)
    deadline = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["dossier", "created_at"], name="dossierevent_dossier_time"),
            # Statistics: supplement requests and extensions of a range of days.
            models.Index(fields=["action", "created_at"], name="dossierevent_action_time"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} {self.action} {self.from_status}→{self.to_status}"
