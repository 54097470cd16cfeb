"""onestop models, one module per concern; import them from here."""

from .audit import AccessKind, DossierAccessLog
from .calendar import (
    PERIOD_FIELDS,
    WEEKDAY_FIELDS,
    AgencyWorkingHours,
    CalendarOverride,
    CalendarOverrideKind,
    validate_periods_text,
)
from .deadlines import DeadlineCrossing, DeadlineKind
from .dossiers import (
    NATIONAL_STATUS_CODE,
    OPEN_STATUSES,
    ApplicantKind,
    DocumentRole,
    Dossier,
    DossierChannel,
    DossierCounter,
    DossierDocument,
    DossierEvent,
    DossierStatus,
    StoredFile,
)
from .notifications import (
    Notification,
    NotificationChannel,
    NotificationPreference,
    NotificationStatus,
)
from .postal import (
    TERMINAL_STATES,
    PostalApiClient,
    PostalScope,
    PostalSerial,
    Shipment,
    ShipmentEvent,
    ShipmentState,
    ShipmentStateCount,
)
from .roles import Role, StaffRole

__all__ = [
    "NATIONAL_STATUS_CODE",
    "OPEN_STATUSES",
    "PERIOD_FIELDS",
    "TERMINAL_STATES",
    "WEEKDAY_FIELDS",
    "AccessKind",
    "AgencyWorkingHours",
    "ApplicantKind",
    "CalendarOverride",
    "CalendarOverrideKind",
    "DeadlineCrossing",
    "DeadlineKind",
    "DocumentRole",
    "Dossier",
    "DossierAccessLog",
    "DossierChannel",
    "DossierCounter",
    "DossierDocument",
    "DossierEvent",
    "DossierStatus",
    "Notification",
    "NotificationChannel",
    "NotificationPreference",
    "NotificationStatus",
    "PostalApiClient",
    "PostalScope",
    "PostalSerial",
    "Role",
    "Shipment",
    "ShipmentEvent",
    "ShipmentState",
    "ShipmentStateCount",
    "StaffRole",
    "StoredFile",
    "validate_periods_text",
]
