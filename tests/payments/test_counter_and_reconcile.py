"""The counter's cash payment gets the same Payment row and receipt; the beat settles what the IPN
never told us (querydr through the sandbox); the agency's day, on screen and in CSV."""

import csv
import datetime as dt
import io
from urllib.parse import parse_qsl, urlsplit

from django.urls import reverse
from django.utils import timezone

from onestop import workflow
from onestop.models import DossierEvent, DossierStatus
from payments.models import Payment, PaymentMethod, PaymentStatus, Receipt, SandboxOrder
from payments.reconciliation import csv_cell
from payments.services import payment_start, payments_reconcile
from payments.tasks import reconcile_payments_task
from tests.factories import StaffRoleFactory


def test_cash_at_the_counter_records_a_payment_and_a_receipt(client, awaiting, office):
    client.force_login(office.receptionist)
    url = reverse("onestop:dossier_action", args=[awaiting.pk, "confirm_payment"])
    client.post(url, {"confirm": "on", "expected_version": awaiting.version, "amount": "17000", "reference": "BL-7"})
    awaiting.refresh_from_db()
    assert awaiting.status == DossierStatus.PROCESSING
    payment = Payment.objects.get()
    assert (payment.method, payment.status, payment.provider, payment.reference) == (
        PaymentMethod.CASH, PaymentStatus.PAID, "counter", "BL-7"
    )  # fmt: skip
    assert payment.recorded_by == office.receptionist and payment.amount == 17_000
    from payments.receipts import render_receipt_task

    render_receipt_task(Receipt.objects.get(payment=payment).pk)  # the worker, after commit
    assert Receipt.objects.get(payment=payment).file.owner == office.citizen


def test_the_system_confirmation_makes_no_counter_row(awaiting):
    workflow.dossier_confirm_payment(dossier=awaiting, system=True, amount=17_000, method="vnpay", reference="1")
    assert not Payment.objects.exists()


def _abandoned(client, awaiting, office, *, choice=None):
    """An attempt the citizen left at the sandbox (or paid while our IPN endpoint was down)."""
    client.force_login(office.citizen)
    form = dict(parse_qsl(urlsplit(client.post(reverse("payments:pay", args=[awaiting.public_id]))["Location"]).query))
    client.get(reverse("payments:sandbox_pay"), form)  # the bank knows the order
    payment = Payment.objects.get()
    if choice == "pay_without_ipn":
        SandboxOrder.objects.filter(txn_ref=payment.txn_ref).update(
            response_code="00", transaction_status="00", transaction_no="14555555", pay_date="20261201100000"
        )
    Payment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    return payment


def test_the_beat_expires_an_abandoned_attempt_and_running_twice_changes_nothing(client, awaiting, office):
    payment = _abandoned(client, awaiting, office)
    report = payments_reconcile()
    assert (report.checked, report.expired, report.paid) == (1, 1, 0)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.EXPIRED
    assert payments_reconcile().checked == 0
    awaiting.refresh_from_db()
    assert awaiting.status == DossierStatus.AWAITING_PAYMENT  # and the citizen may try again
    assert payment_start(dossier=awaiting, user=office.citizen).attempt == 2


def test_the_beat_confirms_a_payment_whose_ipn_never_came(client, awaiting, office):
    payment = _abandoned(client, awaiting, office, choice="pay_without_ipn")
    assert reconcile_payments_task.apply().get()["paid"] == 1
    payment.refresh_from_db()
    awaiting.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.gateway_txn_no == "14555555"
    assert awaiting.status == DossierStatus.PROCESSING
    assert payments_reconcile().checked == 0
    assert DossierEvent.objects.filter(dossier=awaiting, action="confirm_payment").count() == 1
    assert Receipt.objects.filter(payment=payment).count() == 1


def test_an_order_the_bank_never_saw_expires(awaiting, office):
    payment = payment_start(dossier=awaiting, user=office.citizen)
    Payment.objects.filter(pk=payment.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert payments_reconcile().expired == 1


def test_csv_cells_never_start_a_formula():
    assert [csv_cell(v) for v in ("=1+1", "+84", "-2", "@SUM(A1)", "\tx", "\rx", "ok", 17000)] == [
        "'=1+1", "'+84", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "ok", "17000"
    ]  # fmt: skip


def test_the_agencys_day_on_screen_and_in_csv(client, awaiting, office, django_assert_max_num_queries):
    client.force_login(office.citizen)
    form = dict(parse_qsl(urlsplit(client.post(reverse("payments:pay", args=[awaiting.public_id]))["Location"]).query))
    client.post(reverse("payments:sandbox_pay"), {**form, "choice": "pay"})
    Receipt.objects.update(payer_name='=HYPERLINK("http://x","Nguyễn Văn An")')  # a name typed to attack a spreadsheet
    url = reverse("payments:reconciliation")
    client.force_login(office.receptionist)
    with django_assert_max_num_queries(8):
        page = client.get(url, {"co-quan": office.agency.pk, "ngay": timezone.localdate().isoformat()})
    html = page.content.decode()
    assert page.status_code == 200 and awaiting.code in html and "17.000" in html
    exported = client.get(url, {"co-quan": office.agency.pk, "dinh-dang": "csv"})
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][1] == awaiting.code and rows[1][3] == "17000"
    assert rows[1][2] == '\'=HYPERLINK("http://x","Nguyễn Văn An")'  # neutralised
    # Staff of another agency see only their own agency; a citizen nothing.
    client.force_login(office.outsider)
    other = client.get(url, {"co-quan": office.agency.pk})
    assert awaiting.code not in other.content.decode()
    client.force_login(office.citizen)
    assert client.get(url).status_code == 404


def test_a_leader_reads_the_agencies_below(client, awaiting, office):
    leader = StaffRoleFactory(agency=office.agency, role="leader").user
    client.force_login(leader)
    assert client.get(reverse("payments:reconciliation")).status_code == 200
