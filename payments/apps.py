from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Fees and payments")

    def ready(self) -> None:
        from onestop.workflow.hooks import event_recorded

        from . import checks  # noqa: F401 — registers the deploy checks
        from .providers import sandbox, vnpay  # noqa: F401 — the gateways register on import
        from .receivers import counter_payment_confirmed

        event_recorded.connect(counter_payment_confirmed, dispatch_uid="payments.counter_payment_confirmed")
