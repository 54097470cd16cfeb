"""Payment gateways are plug-ins chosen by configuration (STYLE §17, after Open Forms'
payments/registry.py): a class registered under a name, PAYMENT_PROVIDER picks one.

Gateways register when payments.apps imports payments.providers (ready()).
The built-in sandbox is one of them (``sandbox``), not an ``if DEBUG``: it speaks VNPay's protocol
to this site, so that the demo and the tests run offline through the same code as production.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .models import Payment


@dataclass(frozen=True)
class Notification:
    """A gateway's verified message about one order (IPN, return, or a query's answer)."""

    txn_ref: str
    amount: int | None  # VND (not the protocol's ×100)
    paid: bool
    cancelled: bool
    response_code: str
    transaction_status: str
    transaction_no: str = ""
    bank_code: str = ""


@dataclass(frozen=True)
class QueryResult:
    """The gateway's answer to "what happened to this order?" (reconciliation)."""

    found: bool
    notification: Notification | None = None
    message: str = ""


class Gateway:
    """What the payments services ask of a gateway."""

    name: str = ""

    def checkout_url(self, *, payment: Payment, request: HttpRequest, return_url: str) -> str:
        raise NotImplementedError

    def verify(self, params: dict[str, str]) -> bool:
        """Whether `params` carry a valid signature."""
        raise NotImplementedError

    def read(self, params: dict[str, str]) -> Notification:
        """The notification in `params` (call `verify` first)."""
        raise NotImplementedError

    def query(self, *, payment: Payment) -> QueryResult:
        raise NotImplementedError


G = TypeVar("G", bound=type[Gateway])
_GATEWAYS: dict[str, type[Gateway]] = {}


def register(name: str) -> Callable[[G], G]:
    def decorator(cls: G) -> G:
        if name in _GATEWAYS and _GATEWAYS[name] is not cls:
            raise ImproperlyConfigured(f"Two payment gateways are registered as {name!r}.")
        cls.name = name
        _GATEWAYS[name] = cls
        return cls

    return decorator


def names() -> list[str]:
    return sorted(_GATEWAYS)


def gateway(name: str | None = None, **options: Any) -> Gateway:
    """The gateway called `name`, by default the configured one (PAYMENT_PROVIDER)."""
    name = name or settings.PAYMENT_PROVIDER
    try:
        return _GATEWAYS[name](**options)
    except KeyError:
        raise ImproperlyConfigured(
            f"PAYMENT_PROVIDER={name!r} is not a registered gateway ({', '.join(sorted(_GATEWAYS))})."
        ) from None
