from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Accounts and citizen portal")

    def ready(self) -> None:
        from .celery import ensure_queue_dirs

        ensure_queue_dirs()
