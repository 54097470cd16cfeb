"""Shipments of results by post and the operator's API clients (DESIGN §4.5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ShipmentState(models.TextChoices):
    TO_PRINT = "to_print", _("To print")
    PRINTED = "printed", _("Printed")
    HANDED_OVER = "handed_over", _("Handed over to the post")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Delivery failed")
    RETURNED_TO_AGENCY = "returned_to_agency", _("Returned to the agency")


# States a shipment never leaves (services.NEXT): where nearly every shipment ends up.
TERMINAL_STATES = (ShipmentState.DELIVERED, ShipmentState.RETURNED_TO_AGENCY)


class Shipment(models.Model):
    """One result travelling by post: a snapshot of sender and recipient taken when it is created."""

    dossier = models.OneToOneField(
        "onestop.Dossier", verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="shipment"
    )
    agency = models.ForeignKey(
        "procedures.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="shipments"
    )
    item_number = models.CharField(_("item number"), max_length=13, unique=True)
    sender_name = models.CharField(_("sender"), max_length=300)
    sender_address = models.CharField(_("sender address"), max_length=300, blank=True)
    sender_phone = models.CharField(_("sender phone"), max_length=30, blank=True)
    recipient_name = models.CharField(_("recipient"), max_length=300)
    recipient_phone = models.CharField(_("recipient phone"), max_length=15, blank=True)
    recipient_address = models.CharField(_("recipient address"), max_length=300)
    contents = models.CharField(_("contents"), max_length=1000)
    cod_amount = models.PositiveBigIntegerField(_("amount to collect on delivery"), default=0)
    # Of which postage (0 when paid online with the fees, or free): the slip prints it.
    postage_amount = models.PositiveBigIntegerField(_("of which postage"), default=0)
    weight_grams = models.PositiveIntegerField(_("weight (g)"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ShipmentState.choices, default=ShipmentState.TO_PRINT, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    delivered_to = models.CharField(_("received by"), max_length=150, blank=True)
    delivered_relation = models.CharField(_("relation to the applicant"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    printed_at = models.DateTimeField(_("printed at"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned to the agency at"), null=True, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The clerk's list, newest first, all states or one tab (bench/shipment_list.py): its page
            # is read in index order instead of sorting the agencies' shipments. A clerk of one agency
            # among many reads the per-agency pair; a clerk of several desks (agency_id IN …) the
            # global pair, filtering on the agency. (agency, state) also serves the tabs' counts.
            models.Index(fields=["agency", "-created_at", "-id"], name="shipment_list"),
            models.Index(fields=["agency", "state", "-created_at", "-id"], name="shipment_state_list"),
            models.Index(fields=["-created_at", "-id"], name="shipment_recent"),
            models.Index(fields=["state", "-created_at", "-id"], name="shipment_state_recent"),
            models.Index(fields=["agency", "updated_at", "id"], name="shipment_feed"),
            # The tabs' counts of shipments in flight (selectors.shipment_counts): only the rows not
            # yet delivered or returned, a few weeks of work whatever the years of history.
            models.Index(
                fields=["agency", "state"], name="shipment_in_flight", condition=~Q(state__in=TERMINAL_STATES)
            ),
        ]

    def __str__(self) -> str:
        return self.item_number


class ShipmentEvent(models.Model):
    """One milestone of a shipment: by a clerk (actor) or reported by the operator (its event id)."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    state = models.CharField(_("state"), max_length=20, choices=ShipmentState.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    client = models.ForeignKey("onestop.ApiClient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    operator_event_id = models.CharField(_("operator's event id"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "operator_event_id"],
                condition=~Q(operator_event_id=""),
                name="shipment_event_operator_id_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.state}"


class ShipmentStateCount(models.Model):
    """How many shipments of an agency are in a state they never leave (delivered, returned to the
    agency): counted up by the postal services in the transaction of the milestone, so the clerk's tabs
    read one row instead of counting years of delivered items (selectors.shipment_counts). A shipment
    deleted with its dossier is counted down (receivers.shipment_deleted)."""

    agency = models.ForeignKey("procedures.Agency", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=20, choices=ShipmentState.choices)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "state"], name="shipment_state_count_once")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.state} {self.count}"


class PostalSerial(models.Model):
    """The last S10 serial number issued per service indicator (row-locked when one is taken)."""

    prefix = models.CharField(max_length=2, unique=True)
    last_value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix} {self.last_value}"


class PostageMode(models.TextChoices):
    FLAT = "flat", _("One amount wherever the result goes")
    ZONE = "zone", _("By zone: same ward, same province, elsewhere")


class PostageRule(models.Model):
    """What the post charges to carry an agency's result home (Decision 45/2016/QĐ-TTg: the citizen
    pays the public-postal service's charge). Set by the agency's admin; an agency without a rule
    uses its nearest ancestor's (onestop.postal.postage.postage_rule_for)."""

    agency = models.OneToOneField(
        "procedures.Agency", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="postage_rule"
    )
    mode = models.CharField(_("how postage is set"), max_length=10, choices=PostageMode.choices,
                            default=PostageMode.FLAT)  # fmt: skip
    flat_amount = models.PositiveIntegerField(_("flat amount (VND)"), default=0)
    same_ward_amount = models.PositiveIntegerField(_("same ward or commune (VND)"), default=0)
    same_province_amount = models.PositiveIntegerField(_("same province (VND)"), default=0)
    elsewhere_amount = models.PositiveIntegerField(
        _("elsewhere (VND)"), default=0, help_text=_("Also used when the recipient's ward is not known.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("postage rule")
        verbose_name_plural = _("postage rules")
        constraints = [models.CheckConstraint(condition=Q(mode__in=["flat", "zone"]), name="postagerule_mode_valid")]

    def __str__(self) -> str:
        return f"{self.agency}: {self.get_mode_display()}"
