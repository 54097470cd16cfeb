"""The Celery application.

Without CELERY_BROKER_URL the embedded default is kombu's file-system transport under
var/celery: `make run` starts one worker (with the beat scheduler inside it) that consumes it, so
the demo needs no broker. Production sets CELERY_BROKER_URL=redis://… and runs separate worker and
beat processes (docs/deployment.md).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

from portal import observability  # noqa: E402, F401 — connects the request-id and log-format signals


def ensure_queue_dirs() -> None:
    """Create the embedded broker's folders (kombu does not)."""
    from django.conf import settings

    if settings.CELERY_EMBEDDED_BROKER:
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            os.makedirs(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key], exist_ok=True)
