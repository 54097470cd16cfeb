from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnestopConfig(AppConfig):
    name = "onestop"
    verbose_name = _("One-stop back office")

    def ready(self) -> None:
        from . import signals

        signals.connect()
