"""Issue #15: officers' notes to each other never reach the applicant — on any surface the applicant
(or anyone tracking the dossier) reads: the dossier page and its timeline, e-mails and SMS, the
public tracking page and API, /api/v1/me/dossiers/. A note written to the applicant (a stop's
reasons) does reach them, so each check can fail both ways."""

import pytest
from django.test import Client
from django.urls import reverse

from onestop import workflow
from onestop.models import DossierEvent, Notification
from onestop.notifications.services import dossier_context, dossier_event_notify
from portal.submission.labels import citizen_events

FORWARD_NOTE = "GHI-CHU-NOI-BO: hồ sơ này nhờ anh Đức xem kỹ phần chữ ký"
SEND_BACK_NOTE = "TRA-LAI-NOI-BO: thiếu ý kiến của tổ pháp chế"
STOP_REASON = "Có tranh chấp về quyền nuôi con"


@pytest.fixture
def dossier(office):
    dossier = office.submitted()
    dossier = workflow.dossier_receive(dossier=dossier, actor=office.receptionist)
    dossier = workflow.dossier_forward(dossier=dossier, actor=office.receptionist, note=FORWARD_NOTE)
    dossier = workflow.dossier_assign(dossier=dossier, actor=office.approver, assignee=office.specialist)
    dossier = workflow.dossier_forward(dossier=dossier, actor=office.specialist, note="")
    dossier = workflow.dossier_send_back(dossier=dossier, actor=office.approver, reason=SEND_BACK_NOTE)
    assert DossierEvent.objects.filter(dossier=dossier, note=SEND_BACK_NOTE).exists()
    return dossier


def _stopped(office, dossier):
    return workflow.dossier_stop(dossier=dossier, actor=office.approver, reason=STOP_REASON, legal_basis="Luật Hộ tịch")


def _private_notes_absent(text: str) -> None:
    assert "GHI-CHU-NOI-BO" not in text and "TRA-LAI-NOI-BO" not in text


def test_dossier_page(client, office, dossier):
    client.force_login(office.citizen)
    url = reverse("portal:dossier", args=[dossier.public_id])
    _private_notes_absent(client.get(url).content.decode())
    _stopped(office, dossier)
    html = client.get(url).content.decode()
    _private_notes_absent(html)
    assert STOP_REASON in html


def test_timeline(office, dossier):
    events = citizen_events(dossier)
    assert [e["note"] for e in events if e["event"].action in ("forward", "send_back")] == [""] * len(
        [e for e in events if e["event"].action in ("forward", "send_back")]
    )
    assert any(e["event"].action == "forward" for e in events)  # the milestone is shown, without the note
    _stopped(office, dossier)
    notes = [e["note"] for e in citizen_events(dossier)]
    assert STOP_REASON in notes
    _private_notes_absent(" ".join(notes))


def test_emails_and_sms(office, dossier):
    forward = DossierEvent.objects.get(dossier=dossier, action="forward", note=FORWARD_NOTE)
    # What every message template of the applicant may print, whatever the template says.
    assert dossier_context(dossier=dossier, event=forward)["note"] == ""
    assert dossier_context(dossier=dossier, event=forward, for_staff=True)["note"] == FORWARD_NOTE
    for event in DossierEvent.objects.filter(dossier=dossier):
        dossier_event_notify(event_id=event.pk)
    _stopped(office, dossier)
    stop = DossierEvent.objects.get(dossier=dossier, action="stop")
    dossier_event_notify(event_id=stop.pk)
    to_citizen = Notification.objects.filter(recipient=office.citizen)
    assert to_citizen.filter(event=forward).exists()  # the applicant heard of the forward…
    assert {"email", "sms"} <= set(to_citizen.values_list("channel", flat=True))
    for message in to_citizen:
        _private_notes_absent(message.subject + message.body)  # …never of its note
    assert any(STOP_REASON in m.body for m in to_citizen.filter(event=stop, channel="email"))


def test_tracking_page_and_api(office, dossier):
    anonymous = Client()
    form = {"code": dossier.code, "verifier": office.citizen.phone}
    html = anonymous.post(reverse("portal:track"), form).content.decode()
    assert dossier.code in html
    _private_notes_absent(html)
    response = anonymous.get(reverse("dossier-track"), form)
    assert response.status_code == 200
    _private_notes_absent(response.content.decode())
    _stopped(office, dossier)
    html = Client().post(reverse("portal:track"), form).content.decode()
    _private_notes_absent(html)
    assert "Dừng xử lý" in html  # the milestones are there; the public page prints no note at all


def test_my_dossiers_api(client, office, dossier):
    client.force_login(office.citizen)
    listing = client.get("/api/v1/me/dossiers/")
    one = client.get(f"/api/v1/me/dossiers/{dossier.code}/")
    assert listing.status_code == 200 and one.status_code == 200
    assert dossier.code in listing.content.decode()
    for response in (listing, one):
        _private_notes_absent(response.content.decode())
