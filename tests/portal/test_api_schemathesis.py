"""The whole API against its own OpenAPI schema (schemathesis, property-based): anonymous, with a
citizen's session, with a staff session and with a partner's token holding every scope (issue #13),
no answer is a 5xx, and every answer — status code,
content type, body — is one the schema documents. Bounded (SCHEMATHESIS_EXAMPLES, default 15 per
operation) so that CI stays fast; run more locally with SCHEMATHESIS_EXAMPLES=200."""

from __future__ import annotations

import contextlib
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks

from onestop.models import Role
from procedures.services import procedures_import
from tests.factories import StaffRoleFactory, UserFactory
from tests.procedures.records import record

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "15"))
CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


@contextlib.contextmanager
def _one_connection():
    """Django's WSGI handler closes the database connection after each request (close_old_connections);
    the test's transaction lives on that connection, so — as Django's test client does — not here."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _schema():
    from django.core.wsgi import get_wsgi_application

    with _one_connection():
        return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


schema = _schema()
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _wsgi_keeps_the_test_connection():
    with _one_connection():
        yield


@pytest.fixture(autouse=True)
def _data(settings):
    from django.core.cache import cache

    cache.clear()
    settings.ALLOWED_HOSTS = ["*"]
    procedures_import(records=[record()])  # something to list, search and look up


def _cookie(client, user) -> dict[str, str]:
    client.force_login(user)
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}


@pytest.fixture
def citizen_session(client, db) -> dict[str, str]:
    return _cookie(client, UserFactory(cccd="074090001234"))


@pytest.fixture
def partner_token(db) -> dict[str, str]:
    """An API client with every scope (onestop.integration), of the agency of a submitted dossier
    (its lists have something to show)."""
    from onestop.integration.services import api_client_create
    from onestop.models import ApiScope
    from portal.demo.dossiers import demo_dossier
    from procedures.models import Procedure

    dossier = demo_dossier(
        procedure=Procedure.objects.get(), applicant=UserFactory(cccd="074090005678", phone="0912345678")
    )
    _, token = api_client_create(name="LGSP", agency=dossier.agency, scopes=ApiScope.values)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def staff_session(client, db) -> dict[str, str]:
    return _cookie(client, StaffRoleFactory(role=Role.RECEPTIONIST).user)


BOUNDED = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@schema.parametrize()
@BOUNDED
def test_the_api_keeps_to_its_schema_anonymously(case):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_the_api_keeps_to_its_schema_for_a_citizen(case, citizen_session):
    case.call_and_validate(headers=citizen_session, checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_the_api_keeps_to_its_schema_for_staff(case, staff_session):
    case.call_and_validate(headers=staff_session, checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_the_api_keeps_to_its_schema_for_a_partner_token(case, partner_token):
    case.call_and_validate(headers=partner_token, checks=CHECKS)
