"""The province this deployment serves, as configured (settings PROVINCE_*; docs/configuration.md).

One place for its name, emblem, hotline and address: the web pages get it through the context
processor (portal.context_processors.site), the PDFs through onestop.documents.render, the e-mails
and SMS through onestop.notifications.rendering — never a name written into a template.

Since 1 July 2025 local government has two tiers (Resolution 202/2025/QH15 merged the provinces;
the Law on Organisation of Local Government 72/2025/QH15 removed the district level): a province or
centrally-run city, then its communes and wards.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Province:
    name: str  # the full name with its kind: "Thành phố Hồ Chí Minh", "Tỉnh Đồng Nai"
    place: str  # the place written before the date on paper (Decree 30/2020/NĐ-CP, Annex I)
    emblem: str  # a static file path (static/…), shown in the header
    hotline: str
    address: str

    @property
    def name_upper(self) -> str:
        return " ".join(self.name.split()).upper()


def province() -> Province:
    return Province(
        name=settings.PROVINCE_NAME,
        place=settings.PROVINCE_PLACE or settings.PROVINCE_NAME,
        emblem=settings.PROVINCE_EMBLEM,
        hotline=settings.PROVINCE_HOTLINE,
        address=settings.PROVINCE_ADDRESS,
    )
