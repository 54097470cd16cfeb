"""The postal clerk's pages (/mot-cua/buu-chinh/): the list, slips, manifest, scan and outcomes."""

from __future__ import annotations

import io
import itertools
import shutil
import subprocess
import unicodedata
import uuid

import pytest
from django.urls import reverse

from onestop.models import Dossier, DossierAccessLog, DossierStatus, Shipment, ShipmentState
from onestop.postal import s10, slips
from onestop.postal.services import shipment_for_resolved, shipment_record
from tests.factories import StaffRoleFactory
from tests.onestop.postal_helpers import resolved_by_post
from tests.tools import require_tools

pytestmark = pytest.mark.django_db
S = ShipmentState


def _text(pdf: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def _pages(pdf: bytes) -> list:
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(pdf)).pages


_copies = itertools.count(1)


def more_shipments(base: Dossier, n: int, *, name="Trần Thị Bình") -> list[Shipment]:
    """n more dossiers resolved by post, copied from `base` (quicker than walking each one)."""
    made = []
    for i in range(n):
        copy = Dossier.objects.get(pk=base.pk)
        copy.pk, copy.public_id, copy.code = None, uuid.uuid4(), f"{base.code}-{next(_copies)}"
        copy.applicant_name, copy.delivery_phone = f"{name} {i}", f"09000000{i:02d}"
        copy.save()
        made.append(shipment_for_resolved(dossier=copy))
    return made


@pytest.fixture
def shipment(office):
    shipment = resolved_by_post(office).shipment
    Shipment.objects.filter(pk=shipment.pk).update(cod_amount=1_250_000)
    shipment.refresh_from_db()
    return shipment


def test_the_list_counts_by_state_and_searches(client, office, shipment, django_assert_max_num_queries):
    others = more_shipments(shipment.dossier, 3)
    shipment_record(shipment=others[0], state=S.HANDED_OVER, actor=office.postal_clerk)
    shipment_record(shipment=others[0], state=S.DELIVERED, actor=office.postal_clerk, delivered_to="Bình")
    client.force_login(office.postal_clerk)
    url = reverse("onestop:postal_list")
    html = client.get(url).content.decode()
    assert shipment.item_number in html and others[1].item_number in html
    assert "Trần Thị Bình 1" in html
    # Each card cell names its column (small screens), in Vietnamese, on every row.
    assert html.count('<td data-label="Số hiệu bưu gửi">') == html.count('<td data-label="Người nhận">') == 4
    html = client.get(url, {"state": S.DELIVERED}).content.decode()
    assert others[0].item_number in html and shipment.item_number not in html
    for q in (shipment.item_number.lower(), shipment.dossier.code, "nguyễn văn", "0912345678"):
        html = client.get(url, {"q": q}).content.decode()
        assert shipment.item_number in html and others[1].item_number not in html, q
    # Constant queries: as many for 4 shipments as for 30.
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    more_shipments(shipment.dossier, 26, name="Lê Văn Cường")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["total"] == 30
    counts = {value: count for value, _label, count in response.context["tabs"]}
    assert counts[S.TO_PRINT] == 29 and counts[S.DELIVERED] == 1


def test_the_counts_are_one_statement(office, shipment, django_assert_num_queries):
    from onestop.access import access_scope
    from onestop.postal.selectors import shipment_counts

    access_scope(office.postal_clerk)  # the scope is read once per request, before
    shipment_counts(user=office.postal_clerk)  # PostgreSQL: compiled once, prepared once per session
    with django_assert_num_queries(1):
        counts = shipment_counts(user=office.postal_clerk)
    assert counts[S.TO_PRINT] == 1 and sum(counts.values()) == 1


def test_the_slip_pdf_prints_the_delivery_and_the_barcode_scans(client, office, shipment, tmp_path):
    client.force_login(office.postal_clerk)
    response = client.get(reverse("onestop:postal_slip", args=[shipment.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    for expected in (
        "Nguyễn Văn An", "Số 5 Nguyễn An Ninh", shipment.dossier.code, shipment.item_number, "1.250.000 đồng",
        "Một triệu hai trăm năm mươi nghìn đồng", "Người nhận", "Nhân viên bưu chính", office.agency.name,
    ):  # fmt: skip
        assert expected in text, expected
    assert DossierAccessLog.objects.filter(user=office.postal_clerk, dossier=shipment.dossier, kind="form").exists()
    require_tools("zbarimg", "pdftoppm")
    (tmp_path / "slip.pdf").write_bytes(response.content)
    subprocess.run(
        [shutil.which("pdftoppm"), "-png", "-r", "300", "-singlefile", tmp_path / "slip.pdf", tmp_path / "page"],
        check=True,
    )
    scanned = subprocess.run(
        [shutil.which("zbarimg"), "-q", "--raw", "-Sdisable", "-Scode128.enable", tmp_path / "page.png"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert scanned == [shipment.item_number]


def test_a_rows_slip_marks_the_shipment_printed_once(client, office, shipment):
    client.force_login(office.postal_clerk)
    url = reverse("onestop:postal_slip", args=[shipment.pk])
    assert client.get(url).status_code == 200
    shipment.refresh_from_db()
    assert shipment.state == S.PRINTED and shipment.printed_at is not None
    first = shipment.printed_at
    event = shipment.events.get()
    assert (event.state, event.actor) == (S.PRINTED, office.postal_clerk)
    assert client.get(url + "?layout=a5").status_code == 200  # printed again: nothing more changes
    shipment.refresh_from_db()
    assert shipment.printed_at == first and shipment.events.count() == 1
    assert DossierAccessLog.objects.filter(user=office.postal_clerk, dossier=shipment.dossier, kind="form").count() == 2
    html = client.get(reverse("onestop:postal_list") + "?state=printed").content.decode()
    assert shipment.item_number in html


def test_a_rows_slip_by_the_wrong_user_marks_nothing(client, office, shipment):
    other_clerk = StaffRoleFactory(agency=office.outsider.staff_roles.get().agency, role="postal_clerk").user
    url = reverse("onestop:postal_slip", args=[shipment.pk])
    for user in (other_clerk, office.receptionist, office.outsider, office.citizen):
        client.force_login(user)
        assert client.get(url).status_code in (403, 404), user
    client.logout()
    assert client.get(url).status_code == 302
    shipment.refresh_from_db()
    assert shipment.state == S.TO_PRINT and not shipment.events.exists()


def test_batch_slips_four_to_a_sheet_or_a5_and_they_become_printed(client, office, shipment):
    others = more_shipments(shipment.dossier, 4)
    ids = [shipment.pk] + [s.pk for s in others]
    client.force_login(office.postal_clerk)
    response = client.post(reverse("onestop:postal_slips"), {"id": ids, "layout": "a6"})
    assert response.status_code == 200
    pages = _pages(response.content)
    assert len(pages) == 2  # five A6 slips on two A4 sheets
    assert round(float(pages[0].mediabox.width) / 72 * 25.4) == 210
    assert all(s.item_number in _text(response.content) for s in [shipment, *others])
    assert set(Shipment.objects.filter(pk__in=ids).values_list("state", flat=True)) == {S.PRINTED}
    response = client.post(reverse("onestop:postal_slips"), {"id": ids[:2], "layout": "a5"})
    pages = _pages(response.content)
    assert len(pages) == 2 and round(float(pages[0].mediabox.width) / 72 * 25.4) == 148


def test_what_every_slip_repeats_is_laid_out_once_and_drawn_on_each_slip(office, shipment):
    """The cut lines, the title and the signature boxes are one frame per sheet layout (a Form XObject
    kept once in the file), drawn over each sheet: a short last sheet gets as many frames as slips."""
    shipments = [shipment, *more_shipments(shipment.dossier, 4)]
    pdf = slips.slips_pdf(shipments, layout="a6")
    pages = _pages(pdf)
    title = "PHIẾU GỬI KẾT QUẢ GIẢI QUYẾT TTHC"

    def on(page, text):
        return " ".join(unicodedata.normalize("NFC", page.extract_text()).split()).count(text)

    assert [on(p, title) for p in pages] == [4, 1]
    assert [on(p, "Nhân viên bưu chính") for p in pages] == [4, 1]
    assert [on(p, "Người nhận:") for p in pages] == [4, 1]  # the data: four slips, then one
    frames = {
        name for p in pages for name in p["/Resources"]["/XObject"] if str(name).startswith("/DvcFrame")
    }  # fmt: skip
    assert frames == {"/DvcFrame3", "/DvcFrame0"}
    assert pdf.count(b"/Subtype /Form") == 2  # each frame once in the file, not once per page
    a5 = _pages(slips.slips_pdf(shipments[:2], layout="a5"))
    assert [on(p, title) for p in a5] == [1, 1]


def test_a_long_batch_is_rendered_in_parts_joined_in_order(client, office, shipment, monkeypatch):
    monkeypatch.setattr(slips, "SLIPS_PER_PART", 4)  # one A4 sheet per WeasyPrint document
    others = more_shipments(shipment.dossier, 8)
    client.force_login(office.postal_clerk)
    response = client.post(reverse("onestop:postal_slips"), {"id": [shipment.pk] + [s.pk for s in others]})
    pages = _pages(response.content)
    assert len(pages) == 3  # nine slips: three parts, one sheet each, joined
    items = {s.item_number for s in [shipment, *others]}
    per_page = [{item for item in items if item in page.extract_text()} for page in pages]
    assert [len(found) for found in per_page] == [4, 4, 1] and set().union(*per_page) == items


def test_the_hand_over_manifest(client, office, shipment):
    other = more_shipments(shipment.dossier, 1)[0]
    client.force_login(office.postal_clerk)
    response = client.post(reverse("onestop:postal_manifest"), {"id": [shipment.pk, other.pk]})
    assert response.status_code == 200
    text = _text(response.content)
    for expected in ("BẢNG KÊ BÀN GIAO", shipment.item_number, other.item_number, "Tổng cộng: 2 bưu gửi",
                     "1.250.000 đồng", "Đại diện Bộ phận Một cửa".upper(), "NHÂN VIÊN BƯU CHÍNH"):  # fmt: skip
        assert expected in text, expected


def test_scanning_marks_handed_over_one_per_submit_or_many(client, office, shipment):
    others = more_shipments(shipment.dossier, 2)
    client.force_login(office.postal_clerk)
    url = reverse("onestop:postal_scan")
    assert client.get(url).status_code == 200
    response = client.post(url, {"item": shipment.item_number + "\n"}, follow=True)
    assert "Handed over" in response.content.decode() or "Đã bàn giao" in response.content.decode()
    shipment.refresh_from_db()
    assert shipment.state == S.HANDED_OVER and shipment.handed_over_at
    client.post(url, {"items": "\n".join(s.item_number for s in others) + "\nRR000000000VN\n"})
    assert set(Shipment.objects.filter(pk__in=[s.pk for s in others]).values_list("state", flat=True)) == {
        S.HANDED_OVER
    }
    assert shipment.dossier.events.filter(action="shipment_handed_over").count() == 1


def test_recording_the_delivery_returns_the_dossier(client, office, shipment):
    client.force_login(office.postal_clerk)
    client.post(reverse("onestop:postal_scan"), {"item": shipment.item_number})
    url = reverse("onestop:postal_shipment", args=[shipment.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"outcome": S.DELIVERED})
    assert response.status_code == 200 and response.context["form"].errors["delivered_to"]
    shipment.refresh_from_db()
    assert shipment.state == S.HANDED_OVER
    response = client.post(url, {"outcome": S.FAILED, "note": "Vắng nhà"})
    assert response.status_code == 302
    delivery = {"outcome": S.DELIVERED, "delivered_to": "Nguyễn Thị Hoa", "relation": "Vợ"}
    response = client.post(url, {**delivery, "at": "2020-01-01T10:00"})  # before the result was sent
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    response = client.post(url, delivery)
    assert response.status_code == 302
    shipment.refresh_from_db()
    dossier = shipment.dossier
    dossier.refresh_from_db()
    assert shipment.state == S.DELIVERED and dossier.status == DossierStatus.RETURNED
    assert (shipment.delivered_to, shipment.delivered_relation) == ("Nguyễn Thị Hoa", "Vợ")


def test_the_outcome_form_offers_only_the_moves_possible_now(client, office, shipment):
    # An item already out for delivery was offered "Đang phát" again, refused only after submitting
    client.force_login(office.postal_clerk)
    shipment_record(shipment=shipment, state=S.HANDED_OVER, actor=office.postal_clerk)
    shipment_record(shipment=shipment, state=S.OUT_FOR_DELIVERY, actor=office.postal_clerk)
    url = reverse("onestop:postal_shipment", args=[shipment.pk])
    offered = [value for value, _label in client.get(url).context["form"].fields["outcome"].choices]
    assert offered == [S.DELIVERED, S.FAILED]
    html = client.get(url).content.decode()
    assert f'value="{S.OUT_FOR_DELIVERY}"' not in html and f'value="{S.DELIVERED}"' in html


def test_the_items_page_writes_times_and_facts_as_the_dossier_page(client, office, shipment):
    # It printed "09:16 Ngày 03 tháng 12 năm 2026" (capital N mid-line) in an unstyled list
    from django.utils import timezone

    client.force_login(office.postal_clerk)
    shipment_record(shipment=shipment, state=S.HANDED_OVER, actor=office.postal_clerk)
    event = shipment.events.get(state=S.HANDED_OVER)
    html = client.get(reverse("onestop:postal_shipment", args=[shipment.pk])).content.decode()
    assert timezone.localtime(event.at).strftime("%H:%M %d/%m/%Y") in html
    assert "Ngày" not in html and '<dl class="facts">' in html


def test_the_wrong_user_sees_no_shipment_anywhere(client, office, shipment):
    other_clerk = StaffRoleFactory(agency=office.outsider.staff_roles.get().agency, role="postal_clerk").user
    for user in (office.receptionist, office.outsider, office.citizen, office.approver):
        client.force_login(user)
        assert client.get(reverse("onestop:postal_list")).status_code == 403, user
        assert client.get(reverse("onestop:postal_scan")).status_code == 403
        assert client.post(reverse("onestop:postal_slips"), {"id": [shipment.pk]}).status_code == 403
        assert client.post(reverse("onestop:postal_manifest"), {"id": [shipment.pk]}).status_code == 403
        assert client.post(reverse("onestop:postal_scan"), {"item": shipment.item_number}).status_code == 403
        for name in ("postal_shipment", "postal_slip"):
            assert client.get(reverse(f"onestop:{name}", args=[shipment.pk])).status_code in (403, 404), name
    client.force_login(other_clerk)  # a postal clerk, of another agency
    html = client.get(reverse("onestop:postal_list")).content.decode()
    assert shipment.item_number not in html
    assert client.get(reverse("onestop:postal_shipment", args=[shipment.pk])).status_code == 404
    assert client.post(reverse("onestop:postal_shipment", args=[shipment.pk]), {"outcome": "failed"}).status_code == 404
    assert client.get(reverse("onestop:postal_slip", args=[shipment.pk])).status_code == 404
    assert client.post(reverse("onestop:postal_slips"), {"id": [shipment.pk]}).status_code == 302  # nothing ticked
    assert client.post(reverse("onestop:postal_manifest"), {"id": [shipment.pk]}).status_code == 302
    client.post(reverse("onestop:postal_scan"), {"item": shipment.item_number})
    shipment.refresh_from_db()
    assert shipment.state == S.TO_PRINT
    client.logout()
    assert client.get(reverse("onestop:postal_list")).status_code == 302  # to the login page


def test_the_clerk_sees_delivery_fields_not_the_dossier(client, office, shipment):
    client.force_login(office.postal_clerk)
    html = client.get(reverse("onestop:postal_shipment", args=[shipment.pk])).content.decode()
    assert shipment.recipient_address in html
    assert office.citizen.cccd not in html  # no ID number
    assert s10.is_valid(shipment.item_number)
