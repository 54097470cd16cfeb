"""Shipments in every state for buudien@demo.vn (the provincial centre's postal clerk), made through
the workflow and onestop.postal's services (idempotent: once the centre has them, nothing is added)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from onestop.models import Dossier, DossierStatus, PostageMode, PostageRule, Shipment, ShipmentState
from onestop.postal import services
from portal.models import User
from procedures.models import Procedure, ProcedureStatus

from .agencies import BAU_BANG, CENTRE, DI_AN, THU_DAU_MOT, THUAN_AN
from .clock import active_clock, start_days_back, take_a_while
from .dossiers import demo_dossier
from .walk import DemoStaff, walk

S = ShipmentState
ADDRESSES = [
    "Số 12 đường Yersin, phường Thủ Dầu Một, Thành phố Hồ Chí Minh",
    "Số 45 đường Bạch Đằng, phường Thủ Dầu Một, Thành phố Hồ Chí Minh",
    "Số 7 đường Nguyễn Trãi, phường Dĩ An, Thành phố Hồ Chí Minh",
]
# (state, how many): each walked there by the postal clerk through the services.
PLAN = [
    (S.TO_PRINT, 3), (S.PRINTED, 2), (S.HANDED_OVER, 2), (S.OUT_FOR_DELIVERY, 2), (S.DELIVERED, 2),
    (S.FAILED, 2), (S.RETURNED_TO_AGENCY, 1),
]  # fmt: skip

# The postage of each receiving agency (onestop.fees): the centre and the city wards by zone, the
# outlying commune flat. Illustrative amounts, set by each agency's admin in /admin/.
POSTAGE_RULES = {
    CENTRE: {"mode": PostageMode.ZONE, "same_ward_amount": 15_000, "same_province_amount": 22_000,
             "elsewhere_amount": 35_000},
    THU_DAU_MOT: {"mode": PostageMode.ZONE, "same_ward_amount": 12_000, "same_province_amount": 20_000,
                  "elsewhere_amount": 32_000},
    DI_AN: {"mode": PostageMode.ZONE, "same_ward_amount": 12_000, "same_province_amount": 20_000,
            "elsewhere_amount": 32_000},
    THUAN_AN: {"mode": PostageMode.FLAT, "flat_amount": 20_000},
    BAU_BANG: {"mode": PostageMode.FLAT, "flat_amount": 25_000},
}  # fmt: skip


def seed_postage_rules(agencies) -> int:
    """A postage rule for each receiving agency of the demo catalogue (idempotent)."""
    for code, values in POSTAGE_RULES.items():
        PostageRule.objects.update_or_create(agency=agencies[code], defaults=values)
    return len(POSTAGE_RULES)


def _to(shipment: Shipment, state: str, clerk) -> None:
    if state == S.TO_PRINT:
        return
    take_a_while()
    services.shipments_mark_printed(shipments=[shipment], actor=clerk)
    if state == S.PRINTED:
        return
    take_a_while()
    services.shipments_hand_over(user=clerk, items=[shipment.item_number])
    if state == S.HANDED_OVER:
        return
    take_a_while()
    record = services.shipment_record
    if state == S.OUT_FOR_DELIVERY:
        record(shipment=shipment, state=S.OUT_FOR_DELIVERY, actor=clerk)
    elif state == S.DELIVERED:
        record(shipment=shipment, state=S.OUT_FOR_DELIVERY, actor=clerk)
        record(shipment=shipment, state=S.DELIVERED, actor=clerk, delivered_to=shipment.recipient_name,
               relation="Bản thân")  # fmt: skip
    elif state == S.FAILED:
        record(shipment=shipment, state=S.FAILED, actor=clerk, note="Vắng nhà, đã hẹn phát lại")
    elif state == S.RETURNED_TO_AGENCY:
        for reason in ("Vắng nhà", "Không liên lạc được qua điện thoại", "Người nhận đi vắng dài ngày"):
            shipment.refresh_from_db()
            if shipment.state == S.RETURNED_TO_AGENCY:
                break
            record(shipment=shipment, state=S.FAILED, actor=clerk, note=reason)


def seed_postal_shipments() -> int:
    if Shipment.objects.filter(agency__code=CENTRE, dossier__applicant__email__startswith="buudien.khach").exists():
        return 0
    procedures = [
        p
        for p in Procedure.objects.filter(status=ProcedureStatus.PUBLISHED, receiving_agency__code=CENTRE)
        .prefetch_related("channels")
        .order_by("code")
        if "post" in (p.delivery_methods or []) and any(c.channel == 2 for c in p.channels.all())
    ]
    if not procedures:
        return 0
    staff = DemoStaff()
    made = 0
    for state, count in PLAN:
        for _ in range(count):
            n = made
            citizen, _created = User.objects.get_or_create(
                email=f"buudien.khach{n:02d}@demo.vn",
                defaults={"full_name": f"Khách Bưu Điện {n + 1}", "phone": f"09123450{n:02d}",
                          "address": ADDRESSES[n % len(ADDRESSES)], "cccd": f"0740900{n:05d}"},
            )  # fmt: skip
            start_days_back(2, 9)  # the demo seed: each has a history of its own
            dossier = demo_dossier(procedure=procedures[n % len(procedures)], applicant=citizen)
            Dossier.objects.filter(pk=dossier.pk).update(
                delivery_method="post", delivery_address=ADDRESSES[n % len(ADDRESSES)], delivery_phone=citizen.phone
            )
            dossier = walk(dossier, until=lambda d: d.status == DossierStatus.RESOLVED, staff=staff)
            shipment = Shipment.objects.filter(dossier=dossier).first()
            if shipment is None:  # a procedure whose walk does not reach the result
                continue
            if active_clock() is None:  # A little history: the result went out a day or two ago.
                Shipment.objects.filter(pk=shipment.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
                shipment.refresh_from_db()
            _to(shipment, state, staff.postal)
            made += 1
    return made
