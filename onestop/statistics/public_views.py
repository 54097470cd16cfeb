"""/thong-ke/: the public service-quality figures (no login)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .periods import add_months
from .public import current_today, parse_month, public_rows


def public_statistics(request: HttpRequest) -> HttpResponse:
    today = current_today()
    period = parse_month(request.GET.get("thang"), today=today)
    rows, total = public_rows(period=period)
    earlier = add_months(period.start, -1)
    later = add_months(period.start, 1)
    return render(
        request,
        "portal/public_statistics.html",
        {
            "period": period,
            "rows": rows,
            "total": total,
            "earlier": f"{earlier:%Y-%m}",
            "later": f"{later:%Y-%m}" if later <= today else "",
            "month_value": f"{period.start:%Y-%m}",
            "licence": settings.OPEN_DATA_LICENCE,
        },
    )
