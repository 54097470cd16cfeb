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
from .postal import PostalApiClient, PostalScope, PostalSerial, Shipment, ShipmentEvent, ShipmentState
from .roles import Role, StaffRole
from .statistics import FLOW_FIELDS, StatisticsDay, StatisticsMonth, StatisticsOpenDay

__all__ = [
    "FLOW_FIELDS",
    "NATIONAL_STATUS_CODE",
    "OPEN_STATUSES",
    "PERIOD_FIELDS",
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
    "StaffRole",
    "StatisticsDay",
    "StatisticsMonth",
    "StatisticsOpenDay",
    "StoredFile",
    "validate_periods_text",
]
