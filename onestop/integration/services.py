"""API clients: tokens issued and revoked, and the call log's retention."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import ApiCallLog, ApiClient, WebhookDelivery, WebhookState
from .auth import token_hash, token_new


def api_client_token_issue(*, client: ApiClient) -> str:
    """Give `client` a new token (its old one stops working); return it — the only time it is seen.
    The caller saves the client (the admin's save_model does)."""
    token = token_new()
    client.token_hash, client.token_prefix = token_hash(token), token[:12]
    return token


@transaction.atomic
def api_client_create(*, name: str, agency, scopes: list[str], created_by=None, include_subtree: bool = True,
                      expires_at=None) -> tuple[ApiClient, str]:  # fmt: skip
    """A new client and its token (shown once)."""
    client = ApiClient(
        name=name,
        agency=agency,
        scopes=list(scopes),
        created_by=created_by,
        include_subtree=include_subtree,
        expires_at=expires_at,
    )
    token = api_client_token_issue(client=client)
    client.full_clean(exclude=["token_hash"])
    client.save()
    return client, token


def api_clients_revoke(*, ids) -> int:
    """Revoke clients now (their tokens answer 401 from the next call); kept for the call log."""
    return ApiClient.objects.filter(pk__in=list(ids), revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_call_log_purge(*, now=None) -> int:
    """Delete call-log rows older than API_CALL_LOG_RETENTION_DAYS (daily, from beat)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.API_CALL_LOG_RETENTION_DAYS)
    deleted, _ = ApiCallLog.objects.filter(at__lt=cutoff).delete()
    return deleted


def webhook_log_purge(*, now=None) -> int:
    """Delete deliveries accepted more than WEBHOOK_LOG_RETENTION_DAYS ago, with their attempts
    (daily); pending and stopped ones stay until they are sent."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.WEBHOOK_LOG_RETENTION_DAYS)
    deleted, _ = WebhookDelivery.objects.filter(state=WebhookState.SENT, sent_at__lt=cutoff).delete()
    return deleted
