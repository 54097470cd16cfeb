"""Signal wiring for onestop (connected in OnestopConfig.ready)."""

from django.db.models.signals import post_delete, post_save

from .integration.webhooks.receivers import dossier_event_recorded as webhooks_event_recorded
from .models import AgencyWorkingHours, CalendarOverride, Shipment
from .national.receivers import dossier_event_recorded as national_event_recorded
from .notifications.receivers import dossier_event_recorded
from .postal.receivers import dossier_event_recorded as postal_event_recorded
from .postal.receivers import shipment_deleted
from .workflow.hooks import event_recorded


def _calendar_data_changed(sender, **kwargs) -> None:
    from .workcalendar.django_calendar import calendar_data_changed

    calendar_data_changed()


def _scope_options_changed(sender, **kwargs) -> None:
    from .backoffice.filters import forget_scope_options

    forget_scope_options()


# What the queue filters' kept lists are read from (onestop/backoffice/filters.py, scope_options).
SCOPE_OPTION_SOURCES = (
    "procedures.Procedure", "procedures.Agency", "procedures.Sector", "procedures.ProcessStep",
    "onestop.StaffRole", "portal.User",
)  # fmt: skip


def connect() -> None:
    for source in SCOPE_OPTION_SOURCES:
        post_save.connect(_scope_options_changed, sender=source, dispatch_uid=f"scope-options-saved-{source}")
        post_delete.connect(_scope_options_changed, sender=source, dispatch_uid=f"scope-options-deleted-{source}")
    # Cached calendars (onestop/workcalendar/django_calendar.py) are rebuilt, in every process, when
    # overrides, working hours or the agency tree (which agency inherits whose hours) change.
    post_save.connect(_calendar_data_changed, sender=CalendarOverride, dispatch_uid="workcalendar-override-saved")
    post_delete.connect(_calendar_data_changed, sender=CalendarOverride, dispatch_uid="workcalendar-override-deleted")
    post_save.connect(_calendar_data_changed, sender=AgencyWorkingHours, dispatch_uid="workcalendar-hours-saved")
    post_delete.connect(_calendar_data_changed, sender=AgencyWorkingHours, dispatch_uid="workcalendar-hours-deleted")
    post_save.connect(_calendar_data_changed, sender="procedures.Agency", dispatch_uid="workcalendar-agency-saved")
    post_delete.connect(_calendar_data_changed, sender="procedures.Agency", dispatch_uid="workcalendar-agency-deleted")
    # Every dossier event: the applicant's and the assignee's messages, after commit.
    event_recorded.connect(dossier_event_recorded, dispatch_uid="notifications-dossier-event")
    # A result that goes by post: its shipment, in the resolve transaction (onestop/postal/receivers.py).
    event_recorded.connect(postal_event_recorded, dispatch_uid="postal-dossier-event")
    # Every reported event: its national-portal record, an outbox row in the same transaction.
    event_recorded.connect(national_event_recorded, dispatch_uid="national-dossier-event")
    # Partners' webhook subscriptions: their delivery rows, in the same transaction.
    event_recorded.connect(webhooks_event_recorded, dispatch_uid="webhooks-dossier-event")
    # The tabs' counters of delivered and returned shipments (onestop/postal/services.count_ended).
    post_delete.connect(shipment_deleted, sender=Shipment, dispatch_uid="postal-shipment-deleted")
