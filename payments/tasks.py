"""Thin (STYLE §18): the service is imported when the task runs."""

from celery import shared_task


@shared_task(name="payments.reconcile")
def reconcile_payments_task() -> dict:
    from .services import payments_reconcile

    report = payments_reconcile()
    return vars(report)


@shared_task(name="payments.render_receipt", acks_late=True)
def render_receipt_task(receipt_id: int) -> None:
    """Render and store a receipt's PDF (after the payment committed); safe to run twice."""
    from .models import Receipt
    from .receipts import receipt_file

    receipt = Receipt.objects.filter(pk=receipt_id).first()
    if receipt is not None:
        receipt_file(receipt)
