"""Master data shared by every part of the system ("danh mục dùng chung").

The agency tree is data of any depth (DESIGN §2: since 1/7/2025 local government has two tiers,
and provinces were merged): never hard-code levels.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    PROVINCE = "province", _("Provincial People's Committee")
    SERVICE_CENTRE = "service_centre", _("Public administrative service centre")
    DEPARTMENT = "department", _("Department")
    COMMUNE = "commune", _("Commune / ward People's Committee")
    UNIT = "unit", _("Unit (office, division)")
    OTHER = "other", _("Other")


class Agency(models.Model):
    # Decision 20/2020/QĐ-TTg electronic identifiers look like 000.00.00.H12; lower units
    # extend them (e.g. 000.01.12.H12), so any dotted alphanumeric code is accepted.
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$", _("Use letters and digits separated by dots."))],
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices, default=AgencyKind.DEPARTMENT)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # Where the agency sits on the two-tier administrative map (province → ward/commune), as the
    # national list of administrative-unit codes writes them: postage zones compare these with the
    # recipient's. A ward's People's Committee is the ward itself.
    province_code = models.CharField(_("province code"), max_length=10, blank=True)
    ward_code = models.CharField(_("ward or commune code"), max_length=10, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # A parent chain must never loop back to itself.
        seen = {self.pk} if self.pk else set()
        node = self.parent
        while node is not None:
            if node.pk in seen:
                raise ValidationError({"parent": _("An agency cannot be placed under itself or its own sub-agency.")})
            seen.add(node.pk)
            node = node.parent


# --- The procedure catalogue (danh mục thủ tục hành chính) ------------------------------------
# Shapes follow the national catalogue record (REFERENCE.md): processing time and fees are
# given per channel (KENH 1 counter, 2 online, 3 public post).


class Channel(models.IntegerChoices):
    """National KenhThucHien codes."""

    COUNTER = 1, _("In person at the counter")
    ONLINE = 2, _("Online")
    POST = 3, _("Public postal service")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")
    DAYS = "days", _("calendar days")


class OnlineLevel(models.TextChoices):
    """Decree 42/2022/NĐ-CP online service levels."""

    FULL = "toan_trinh", _("Fully online")
    PARTIAL = "mot_phan", _("Partly online")


class Delivery(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    ONLINE = "online", _("Online (electronic result)")
    POST = "post", _("By post")


class ProcedureStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Sector(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def _default_delivery() -> list[str]:
    return [Delivery.COUNTER]


class Procedure(models.Model):
    code = models.CharField(
        _("national code"),
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^\d\.\d{6}$", _("A national procedure code looks like 1.001234."))],
    )
    local_code = models.CharField(_("local code"), max_length=60, blank=True)
    name = models.CharField(_("name"), max_length=500)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="procedures")
    level = models.CharField(_("level of government"), max_length=50, blank=True)
    procedure_type = models.CharField(_("procedure type"), max_length=200, blank=True)
    implementing_agencies = models.ManyToManyField(
        Agency, verbose_name=_("implementing agencies"), related_name="implemented_procedures", blank=True
    )
    receiving_agency = models.ForeignKey(
        Agency,
        verbose_name=_("receiving agency"),
        on_delete=models.PROTECT,
        related_name="received_procedures",
        help_text=_("Where dossiers are received (the one-stop desk)."),
    )
    applicant_citizen = models.BooleanField(_("citizens may apply"), default=True)
    applicant_organisation = models.BooleanField(_("organisations may apply"), default=False)
    applicant_description = models.TextField(_("who may apply"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    # [{"case": "", "steps": ["Bước 1: …", …]}] as published (TRINHTUTHUCHIEN)
    steps = models.JSONField(_("steps as published"), default=list, blank=True)
    # [{"code": "KQ01", "name": "Giấy khai sinh"}]
    results = models.JSONField(_("results"), default=list, blank=True)
    # [{"number": "60/2014/QH13", "title": "Luật Hộ tịch"}]
    legal_basis = models.JSONField(_("legal basis"), default=list, blank=True)
    online_level = models.CharField(
        _("online service level"), max_length=12, choices=OnlineLevel.choices, default=OnlineLevel.PARTIAL
    )
    # Decree 43/2011 levels 2/3/4, kept because the national portal still reports them.
    legacy_level = models.PositiveSmallIntegerField(
        _("former online level (2–4)"), null=True, blank=True, choices=[(2, "2"), (3, "3"), (4, "4")]
    )
    delivery_methods = models.JSONField(_("result delivery allowed"), default=_default_delivery)
    # The fees (and the postage of a result by post) are paid online when the dossier is submitted:
    # the dossier waits for payment (national 6) before the one-stop desk may receive it.
    pay_at_submission = models.BooleanField(
        _("fees paid at submission"),
        default=False,
        help_text=_("An online dossier waits for its payment before the one-stop desk checks it."),
    )
    cutoff_time = models.TimeField(
        _("same-day cut-off"),
        default=dt.time(15, 0),
        help_text=_("Dossiers received after this time count from the next working period."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProcedureStatus.choices, default=ProcedureStatus.DRAFT
    )
    # Accent- and case-free copy of code, local code and name, kept by the service layer
    # (procedures.search.normalize); used for search on SQLite.
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("administrative procedure")
        verbose_name_plural = _("administrative procedures")
        ordering = ["search_text"]
        indexes = [
            models.Index(fields=["status", "sector"], name="procedure_status_sector"),
            # The public list: published procedures in Vietnamese alphabetical order, a page at a time.
            models.Index(fields=["status", "search_text"], name="procedure_status_sort"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ProcedureStatus.values), name="procedure_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(online_level__in=OnlineLevel.values), name="procedure_online_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def clean(self) -> None:
        bad = [value for value in self.delivery_methods or [] if value not in Delivery.values]
        if bad or not self.delivery_methods:
            raise ValidationError({"delivery_methods": _("Choose at least one of: counter, online, post.")})
        if not (self.applicant_citizen or self.applicant_organisation):
            raise ValidationError(_("A procedure must be open to citizens, organisations or both."))

    @property
    def is_published(self) -> bool:
        return self.status == ProcedureStatus.PUBLISHED


class ProcedureChannel(models.Model):
    """Processing time for one channel (CACHTHUCTHUCHIEN / THOIGIAN)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="channels")
    channel = models.PositiveSmallIntegerField(_("channel"), choices=Channel.choices)
    time_amount = models.DecimalField(_("processing time"), max_digits=6, decimal_places=1)
    time_unit = models.CharField(_("unit"), max_length=15, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["channel"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "channel"], name="procedurechannel_unique"),
            models.CheckConstraint(condition=models.Q(time_amount__gte=0), name="procedurechannel_time_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.time_amount} {self.get_time_unit_display()}"

    @property
    def working_hours(self) -> float:
        """The processing time in working hours (one working day = 8 working hours).

        Calendar days are counted as 8 hours each here only to compare with process steps.
        """
        amount = float(self.time_amount)
        return amount if self.time_unit == TimeUnit.WORKING_HOURS else amount * 8


class FeeBasis(models.TextChoices):
    PER_DOSSIER = "per_dossier", _("per dossier")
    PER_COPY = "per_copy", _("per copy")
    PER_PAGE = "per_page", _("per page")
    PER_ITEM = "per_item", _("per item")


class FeeItem(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fees")
    channel = models.PositiveSmallIntegerField(_("channel"), choices=Channel.choices)
    code = models.CharField(_("code"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=500)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    basis = models.CharField(_("basis"), max_length=15, choices=FeeBasis.choices, default=FeeBasis.PER_DOSSIER)
    # A per-unit line counts the units the applicant states in the application form (e.g. "so_trang",
    # the number of pages); a tiered fee is several lines over ranges of those units, e.g. 2.000 đ a
    # page for pages 1–2 and 1.000 đ a page from page 3 (Circular 226/2016/TT-BTC, certified copies).
    quantity_field = models.CharField(
        _("form field giving the number of units"),
        max_length=60,
        blank=True,
        help_text=_("The key of the application-form field with the number of units (per-unit fees only)."),
    )
    # A per-page fee of each copy: the form field with the number of copies multiplies the line.
    multiplier_field = models.CharField(
        _("form field multiplying the line"),
        max_length=60,
        blank=True,
        help_text=_("E.g. the number of copies, for a fee counted per page of each copy."),
    )
    from_unit = models.PositiveIntegerField(_("from unit"), default=1)
    to_unit = models.PositiveIntegerField(
        _("up to unit"), null=True, blank=True, help_text=_("Leave empty when the line has no upper limit.")
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")
        ordering = ["channel", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount:,} đ"

    def clean(self) -> None:
        if self.from_unit < 1:
            raise ValidationError({"from_unit": _("Units are counted from 1.")})
        if self.to_unit is not None and self.to_unit < self.from_unit:
            raise ValidationError({"to_unit": _("The last unit cannot come before the first.")})


class DocumentKind(models.TextChoices):
    ORIGINAL = "original", _("Original")
    CERTIFIED_COPY = "certified_copy", _("Certified copy")
    COPY = "copy", _("Copy")


DEFAULT_ACCEPTED_TYPES = ["pdf", "jpg", "png", "docx", "xlsx"]
UPLOAD_TYPES = ("pdf", "jpg", "png", "docx", "xlsx")


def _default_types() -> list[str]:
    return list(DEFAULT_ACCEPTED_TYPES)


class DocumentRequirement(models.Model):
    """One document of the dossier (THANHPHANHOSO / GIAYTO)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documents")
    case = models.CharField(_("case"), max_length=500, blank=True)
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=1000)
    kind = models.CharField(
        _("kind required"), max_length=15, choices=DocumentKind.choices, default=DocumentKind.ORIGINAL
    )
    originals = models.PositiveSmallIntegerField(_("originals"), default=1)
    copies = models.PositiveSmallIntegerField(_("copies"), default=0)
    required = models.BooleanField(_("required"), default=True)
    condition = models.CharField(_("condition"), max_length=1000, blank=True)
    accepted_types = models.JSONField(_("accepted file types"), default=_default_types)
    max_size_mb = models.PositiveSmallIntegerField(_("size limit (MB)"), default=10)
    template_name = models.CharField(_("form template"), max_length=500, blank=True)
    template_url = models.URLField(_("template address"), max_length=1000, blank=True)
    # The form itself (DOCX or PDF, checked by content), downloaded from the procedure page and the
    # wizard; it travels with the catalogue (interchange: MOTCUA_TEPMAU).
    template_file = models.FileField(
        _("template file"),
        upload_to="templates/",
        blank=True,
        help_text=_("A Word document (DOCX) or a PDF, at most 5 MB."),
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["procedure", "code"], name="documentrequirement_unique_code")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        bad = [t for t in self.accepted_types or [] if t not in UPLOAD_TYPES]
        if bad or not self.accepted_types:
            raise ValidationError({"accepted_types": _("Allowed file types: pdf, jpg, png, docx, xlsx.")})
        if not self.required and not self.condition:
            raise ValidationError({"condition": _("Say in words when a conditional document is needed.")})
        upload = self.template_file
        if upload and not getattr(upload, "_committed", True):  # a file just uploaded (admin)
            from .validators import template_filename, validate_template

            upload.file.seek(0)
            content = upload.file.read()
            upload.file.seek(0)
            try:
                kind = validate_template(content, name=upload.name)
            except ValidationError as exc:
                raise ValidationError({"template_file": exc.messages}) from None
            upload.name = template_filename(self.template_name or self.name, kind)


class FieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    TEXTAREA = "textarea", _("Long text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    BOOLEAN = "boolean", _("Yes / no")
    ADDRESS = "address", _("Address")
    ID_NUMBER = "id_number", _("ID number")


class FormField(models.Model):
    """A field of the online application form, rendered and validated without code per procedure."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="form_fields")
    key = models.SlugField(_("key"), max_length=60)
    label = models.CharField(_("label"), max_length=300)
    kind = models.CharField(_("kind"), max_length=12, choices=FieldKind.choices, default=FieldKind.TEXT)
    required = models.BooleanField(_("required"), default=False)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    # {"max_length": 100} · {"min": 0, "max": 10} · {"regex": "^…$", "message": "what the pattern asks, in words"}
    validation = models.JSONField(_("validation"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["procedure", "key"], name="formfield_unique_key")]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if self.kind == FieldKind.CHOICE and not self.choices:
            raise ValidationError({"choices": _("A choice field needs its list of choices.")})
        unknown = set(self.validation or {}) - {"max_length", "min", "max", "regex", "message"}
        if unknown:
            raise ValidationError({"validation": _("Unknown validation rules: %s") % ", ".join(sorted(unknown))})
        if "regex" in (self.validation or {}):
            import re

            try:
                re.compile(self.validation["regex"])
            except re.error as exc:
                raise ValidationError({"validation": _("Invalid pattern: %s") % exc}) from exc


class StepAction(models.TextChoices):
    """What a process step lets its holder do: the back office's action names (onestop.workflow;
    a test keeps the two vocabularies equal). An empty list allows every action of the step's role."""

    FORWARD = "forward", _("Forward")
    SEND_BACK = "send_back", _("Send back")
    REQUEST_SUPPLEMENT = "request_supplement", _("Request a supplement")
    REFUSE = "refuse", _("Refuse")
    TRANSFER = "transfer", _("Transfer to another agency")
    RESOLVE = "resolve", _("Approve the result")
    RETURN_RESULT = "return_result", _("Return the result")
    REQUEST_PAYMENT = "request_payment", _("Request payment")


# Words of older catalogues (and of this one's first version), mapped on import and when read.
STEP_ACTION_ALIASES = {"approve": StepAction.RESOLVE.value}


def normalise_step_actions(actions) -> list[str]:
    """A step's action list in the workflow's vocabulary (aliases mapped, repeats dropped)."""
    out: list[str] = []
    for action in actions or []:
        action = STEP_ACTION_ALIASES.get(action, action)
        if action not in out:
            out.append(action)
    return out


class StepRole(models.TextChoices):
    """Roles a process step may require (the codes of onestop.Role)."""

    RECEPTIONIST = "receptionist", _("Receptionist")
    SPECIALIST = "specialist", _("Specialist")
    APPROVER = "approver", _("Approver")


class ProcessDefinition(models.Model):
    """The internal process the back office runs for a procedure (quy trình nội bộ)."""

    procedure = models.OneToOneField(Procedure, on_delete=models.CASCADE, related_name="process")
    name = models.CharField(_("name"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("process definition")
        verbose_name_plural = _("process definitions")

    def __str__(self) -> str:
        return self.name or str(self.procedure)


class ProcessStep(models.Model):
    definition = models.ForeignKey(ProcessDefinition, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=300)
    agency = models.ForeignKey(Agency, verbose_name=_("agency unit"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=20, choices=StepRole.choices)
    duration_hours = models.DecimalField(_("duration (working hours)"), max_digits=6, decimal_places=1)
    actions = models.JSONField(_("allowed actions"), default=list, blank=True)

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "order"], name="processstep_unique_order"),
            models.CheckConstraint(condition=models.Q(duration_hours__gt=0), name="processstep_duration_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    def clean(self) -> None:
        self.actions = normalise_step_actions(self.actions)
        bad = [a for a in self.actions if a not in StepAction.values]
        if bad:
            raise ValidationError({"actions": _("Unknown actions: %s") % ", ".join(bad)})
