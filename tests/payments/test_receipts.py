"""The e-receipt: amount in words, the PDF's text, the data store, the public verification page."""

import io

from django.urls import reverse
from pypdf import PdfReader

from onestop.models import StoredFile
from payments.models import Receipt
from payments.services import ipn_handle, payment_start
from payments.words import vnd_in_words

from .conftest import gateway_params


def test_amounts_in_vietnamese_words():
    assert vnd_in_words(1_250_000) == "Một triệu hai trăm năm mươi nghìn đồng"
    assert vnd_in_words(17_000) == "Mười bảy nghìn đồng"
    assert vnd_in_words(15_000) == "Mười lăm nghìn đồng"
    assert vnd_in_words(21_000) == "Hai mươi mốt nghìn đồng"
    assert vnd_in_words(105_000) == "Một trăm linh năm nghìn đồng"
    assert vnd_in_words(1_005_000) == "Một triệu không trăm linh năm nghìn đồng"
    assert vnd_in_words(2_000_000_000) == "Hai tỷ đồng"
    assert vnd_in_words(0) == "Không đồng"


def _paid(awaiting, office):
    from payments.receipts import render_receipt_task

    payment = payment_start(dossier=awaiting, user=office.citizen)
    assert ipn_handle(params=gateway_params(payment, txn_no="14000777")).rsp_code == "00"
    receipt = Receipt.objects.get(payment=payment)
    assert receipt.file_id is None  # the notification answered without rendering the PDF…
    render_receipt_task(receipt.pk)  # …which a worker does after commit
    render_receipt_task(receipt.pk)  # (twice, as a redelivered task would: still one file)
    return Receipt.objects.select_related("payment", "file").get(payment=payment)


def test_a_receipt_downloaded_before_the_worker_rendered_it_is_rendered_on_the_spot(client, awaiting, office):
    payment = payment_start(dossier=awaiting, user=office.citizen)
    ipn_handle(params=gateway_params(payment, txn_no="14000778"))
    receipt = Receipt.objects.get(payment=payment)
    client.force_login(office.citizen)
    response = client.get(reverse("payments:receipt", args=[awaiting.public_id, receipt.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    receipt.refresh_from_db()
    assert receipt.file_id is not None


def test_the_receipt_pdf_says_who_paid_what_and_how_much_in_words(client, awaiting, office):
    receipt = _paid(awaiting, office)
    client.force_login(office.citizen)
    response = client.get(reverse("payments:receipt", args=[awaiting.public_id, receipt.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages)
    flat = " ".join(text.split())
    for expected in ("BIÊN LAI THU PHÍ, LỆ PHÍ", "Nguyễn Văn An", awaiting.code, "17.000 đồng",
                     "Mười bảy nghìn đồng", "14000777", receipt.number, "Lệ phí (giảm 50%)"):  # fmt: skip
        assert expected in flat, expected
    assert f"/bien-lai/{receipt.public_id}/" in flat.replace(" ", "")


def test_the_receipt_is_in_the_citizens_data_store(client, awaiting, office):
    receipt = _paid(awaiting, office)
    stored = StoredFile.objects.get(pk=receipt.file_id)
    assert stored.owner == office.citizen and stored.content_type == "application/pdf"
    client.force_login(office.citizen)
    assert stored.original_name in client.get(reverse("portal:vault")).content.decode()


def test_the_verification_page_is_public_and_unknown_receipts_are_404(client, awaiting, office):
    receipt = _paid(awaiting, office)
    page = client.get(reverse("payments:receipt_verify", args=[receipt.public_id]))
    assert page.status_code == 200 and receipt.number in page.content.decode()
    import uuid

    assert client.get(reverse("payments:receipt_verify", args=[uuid.uuid4()])).status_code == 404
