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
from .esign import SignedResult, new_verification_code
from .national import NationalService, NationalSyncRecord, NationalSyncState
from .notifications import (
    Notification,
    NotificationChannel,
    NotificationPreference,
    NotificationStatus,
)
from .postal import (
    PostageMode,
    PostageRule,
    PostalApiClient,
    PostalScope,
    PostalSerial,
    Shipment,
    ShipmentEvent,
    ShipmentState,
)
from .roles import Role, StaffRole
from .satisfaction import (
    COUNTER_SOURCES,
    CRITERIA,
    CRITERIA_BY_KEY,
    CRITERION_KEYS,
    EvaluationSource,
    SatisfactionEvaluation,
    SatisfactionHandler,
)
from .statistics import FLOW_FIELDS, StatisticsDay, StatisticsMonth, StatisticsOpenDay

__all__ = [
    "COUNTER_SOURCES",
    "CRITERIA",
    "CRITERIA_BY_KEY",
    "CRITERION_KEYS",
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
    "EvaluationSource",
    "NationalService",
    "NationalSyncRecord",
    "NationalSyncState",
    "Notification",
    "NotificationChannel",
    "NotificationPreference",
    "NotificationStatus",
    "PostageMode",
    "PostageRule",
    "PostalApiClient",
    "PostalScope",
    "PostalSerial",
    "Role",
    "SatisfactionEvaluation",
    "SatisfactionHandler",
    "Shipment",
    "ShipmentEvent",
    "ShipmentState",
    "SignedResult",
    "StaffRole",
    "StatisticsDay",
    "StatisticsMonth",
    "StatisticsOpenDay",
    "StoredFile",
    "new_verification_code",
    "validate_periods_text",
]
