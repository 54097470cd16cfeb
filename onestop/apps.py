from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnestopConfig(AppConfig):
    name = "onestop"
    verbose_name = _("One-stop back office")

    def ready(self) -> None:
        from . import (
            prepared,  # noqa: F401 — its receiver sets up each new database session
            signals,
        )

        signals.connect()
