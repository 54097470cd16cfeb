"""Partners' systems in tests: an API client with a token, and a dossier being processed."""

from __future__ import annotations

from rest_framework.test import APIClient

from onestop import workflow
from onestop.integration.services import api_client_create
from onestop.models import ApiClient, ApiScope, Dossier

ALL_SCOPES = list(ApiScope.values)


def partner(agency, scopes=ALL_SCOPES, **fields) -> tuple[APIClient, ApiClient]:
    client, token = api_client_create(name="LGSP", agency=agency, scopes=list(scopes), **fields)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api, client


def processing(office) -> Dossier:
    """Received and forwarded to the first processing step."""
    dossier = workflow.dossier_receive(dossier=office.submitted(), actor=office.receptionist)
    return workflow.dossier_forward(dossier=dossier, actor=office.receptionist)
