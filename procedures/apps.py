from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "procedures"
    verbose_name = _("Procedure catalogue and master data")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .search import sqlite_functions

        connection_created.connect(sqlite_functions, dispatch_uid="procedures.search.sqlite")
