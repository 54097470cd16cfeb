"""Thin (STYLE §18): the service is imported when the task runs."""

from celery import shared_task


@shared_task(name="payments.reconcile")
def reconcile_payments_task() -> dict:
    from .services import payments_reconcile

    report = payments_reconcile()
    return vars(report)
