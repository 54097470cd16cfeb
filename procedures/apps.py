from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = _("Procedure catalogue and master data")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .search import _sqlite_session

        connection_created.connect(_sqlite_session, dispatch_uid="procedures.search.sqlite")
