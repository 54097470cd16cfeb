"""Loaded with `-p tests.envdefaults` before Django is set up: test-friendly environment defaults.

Only defaults — CI and `make test` may point DATABASE_URL at PostgreSQL, for instance.
"""

import os
import tempfile

_tmp = tempfile.mkdtemp(prefix="dvc-test-")
for key, value in {
    "SECRET_KEY": "test-secret-key-not-for-production",
    "DEBUG": "false",
    "STATIC_MANIFEST": "false",
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "REQUIRE_STAFF_MFA": "false",
    "EMAIL_URL": "memorymail://",
    "PRIVATE_MEDIA_ROOT": os.path.join(_tmp, "private"),
    "CELERY_QUEUE_DIR": os.path.join(_tmp, "celery"),
    "STATIC_ROOT": os.path.join(_tmp, "static"),  # created below
}.items():
    os.environ.setdefault(key, value)
os.makedirs(os.environ["STATIC_ROOT"], exist_ok=True)
