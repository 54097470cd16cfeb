"""The electronic receipt (biên lai điện tử) of a paid fee: a PDF in the Decree 30 layout (the
onestop.documents render helpers, Liberation Serif), kept in the citizen's data store, with a QR
code to its public verification page /bien-lai/<uuid>/.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from onestop.documents.codes import qr_svg, svg_data_uri
from onestop.documents.layout import document_meta, vn_datetime, vnd
from onestop.documents.render import render_pdf
from onestop.links import absolute_url
from onestop.models import ApplicantKind, Dossier, StoredFile
from onestop.uploads.storage import stored_file_create
from onestop.uploads.validation import ValidatedUpload

from .models import Payment, PaymentMethod, Receipt
from .words import vnd_in_words

logger = logging.getLogger(__name__)
TITLE = "Biên lai thu phí, lệ phí"
TEMPLATE = "pdf/payment_receipt.html"
METHOD_WORDS = {
    PaymentMethod.ONLINE: "Thanh toán trực tuyến",
    PaymentMethod.CASH: "Tiền mặt tại Bộ phận Một cửa",
    PaymentMethod.TRANSFER: "Chuyển khoản",
}


def payer_name(dossier: Dossier) -> str:
    if dossier.applicant_kind == ApplicantKind.ORGANISATION and dossier.organisation_name:
        return dossier.organisation_name
    return dossier.applicant_name or dossier.applicant.get_full_name() or dossier.applicant.email


def verification_url(receipt: Receipt) -> str:
    # SITE_URL, not the request: the receipt outlives the address it was downloaded from.
    return absolute_url(reverse("payments:receipt_verify", args=[receipt.public_id]), from_request=False)


def receipt_context(receipt: Receipt) -> dict[str, Any]:
    payment = receipt.payment
    dossier = payment.dossier
    url = verification_url(receipt)
    procedure = (dossier.snapshot or {}).get("procedure") or {}
    return {
        "doc": document_meta(agency=dossier.agency, title=TITLE, at=receipt.issued_at, number=receipt.number),
        "receipt": receipt,
        "payment": payment,
        "dossier": dossier,
        "procedure_name": procedure.get("name") or dossier.procedure.name,
        "items": [{"name": item.get("name", ""), "amount": vnd(item.get("amount"))} for item in payment.items],
        "amount": vnd(payment.amount),
        "amount_words": vnd_in_words(payment.amount),
        "method": METHOD_WORDS.get(payment.method, payment.method),
        "paid_at": vn_datetime(payment.paid_at or receipt.issued_at),
        "transaction": payment.gateway_txn_no or payment.reference or payment.txn_ref,
        "qr_src": svg_data_uri(qr_svg(url)),
        "verification_url": url,
    }


def receipt_pdf(receipt: Receipt) -> bytes:
    return render_pdf(TEMPLATE, receipt_context(receipt))


def _store(receipt: Receipt, content: bytes) -> StoredFile:
    name = f"bien-lai-{receipt.number}.pdf"
    validated = ValidatedUpload(
        content_type="application/pdf",
        extension=".pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        safe_name=name,
    )
    return stored_file_create(
        owner=receipt.payment.dossier.applicant, uploaded=ContentFile(content, name=name), validated=validated
    )


def receipt_issue(*, payment: Payment, dossier: Dossier | None = None) -> Receipt:
    """The receipt of a paid payment (once: a second call returns the first), rendered and stored
    in the applicant's data store. Runs inside the caller's transaction; `dossier`, when the caller
    holds the payment's full dossier row already (the one the workflow just locked), saves a read."""
    existing = Receipt.objects.filter(payment=payment).first()
    if existing is not None:
        return existing
    if dossier is None or dossier.pk != payment.dossier_id:
        dossier = Dossier.objects.select_related("applicant").get(pk=payment.dossier_id)
    issued = timezone.now()
    receipt = Receipt.objects.create(
        payment=payment,
        number=f"BL{issued:%y}-{payment.pk:07d}",
        payer_name=payer_name(dossier)[:300],
        issued_at=issued,
    )
    # The receipt exists (number, payer, amount) from this transaction on; its PDF is rendered after
    # commit by a worker — so that a payment notification answers in milliseconds, not the ~200 ms a
    # PDF takes under the payment's row lock. A download before that renders it on the spot.
    receipt_id = receipt.pk
    transaction.on_commit(lambda: _queue_render(receipt_id))
    return receipt


@shared_task(name="payments.render_receipt", acks_late=True)
def render_receipt_task(receipt_id: int) -> None:
    """Render and store a receipt's PDF after the payment committed (safe to run twice). It lives
    here, beside what it runs, so that the receipts and the tasks do not import each other."""
    receipt = Receipt.objects.filter(pk=receipt_id).first()
    if receipt is not None:
        receipt_file(receipt)


def _queue_render(receipt_id: int) -> None:
    try:
        render_receipt_task.delay(receipt_id)
    except Exception:  # the broker is down: the PDF is rendered when first downloaded
        logger.exception("could not queue the PDF of receipt %s", receipt_id)


@transaction.atomic
def receipt_file(receipt: Receipt) -> StoredFile:
    """The stored PDF (rendered and stored the first time; the row lock keeps it to one file)."""
    locked = Receipt.objects.select_for_update(of=("self",)).select_related("file").get(pk=receipt.pk)
    if locked.file_id is None:
        locked.file = _store(locked, receipt_pdf(locked))
        locked.save(update_fields=["file"])
    receipt.file = locked.file
    return locked.file
