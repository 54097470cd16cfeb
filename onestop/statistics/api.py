"""Open data: /api/v1/open-data/service-statistics/ — the public figures per agency for a month, as
JSON or CSV (?format=csv, or Accept: text/csv), with the licence in the answer (and a Link header).
Aggregates only: no personal data. Anonymous, rate-limited per client address like the tracking API."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, renderers, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from ..client_ip import client_ip
from .public import current_today, parse_month, public_rows

FIELDS = [
    "month", "agency_code", "agency_name", "received", "received_online", "resolved", "resolved_on_time",
    "resolved_late", "on_time_rate", "in_progress_overdue", "online_share", "evaluations", "satisfied_pct",
]  # fmt: skip


class OpenDataThrottle(SimpleRateThrottle):
    """Per client address (behind trusted proxies, onestop.client_ip), OPEN_DATA_RATE."""

    scope = "open_data"

    def get_rate(self):
        return settings.OPEN_DATA_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request._request)}


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        out = io.StringIO()
        if isinstance(data, dict) and "results" in data:
            writer = csv.DictWriter(out, fieldnames=FIELDS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(data["results"])
        else:  # an error: its message
            out.write(str(data.get("detail", "")) if isinstance(data, dict) else str(data))
        return out.getvalue().encode("utf-8")


class RowSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    agency_code = serializers.CharField(help_text="Mã định danh của cơ quan tiếp nhận (Quyết định 20/2020/QĐ-TTg)")
    agency_name = serializers.CharField()
    received = serializers.IntegerField(help_text="Hồ sơ tiếp nhận trong tháng")
    received_online = serializers.IntegerField(help_text="Hồ sơ tiếp nhận trực tuyến")
    resolved = serializers.IntegerField(help_text="Hồ sơ đã giải quyết trong tháng")
    resolved_on_time = serializers.IntegerField(help_text="Giải quyết trước hạn và đúng hạn")
    resolved_late = serializers.IntegerField(help_text="Giải quyết quá hạn (kể cả hồ sơ yêu cầu bổ sung quá một lần)")
    on_time_rate = serializers.FloatField(allow_null=True, help_text="% giải quyết đúng hạn")
    in_progress_overdue = serializers.IntegerField(help_text="Đang giải quyết đã quá hạn cuối tháng (hoặc hiện tại)")
    online_share = serializers.FloatField(allow_null=True, help_text="% hồ sơ nộp trực tuyến")
    evaluations = serializers.IntegerField(help_text="Số lượt đánh giá mức độ hài lòng")
    satisfied_pct = serializers.FloatField(allow_null=True, help_text="% đánh giá hài lòng")


class LicenceSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.URLField()


class DatasetSerializer(serializers.Serializer):
    dataset = serializers.CharField()
    title = serializers.CharField()
    publisher = serializers.CharField()
    licence = LicenceSerializer()
    month = serializers.CharField()
    generated_at = serializers.DateTimeField()
    personal_data = serializers.BooleanField(help_text="Always false: aggregates per agency only")
    results = RowSerializer(many=True)


class ServiceStatisticsView(APIView):
    """Public service-quality figures per agency for a month (open data, no personal data)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [OpenDataThrottle]
    renderer_classes = [renderers.JSONRenderer, CSVRenderer]

    def handle_exception(self, exc):
        """Errors (400, 429) answer in JSON, as the schema says, even when CSV was asked for."""
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = "application/json"
        return super().handle_exception(exc)

    @extend_schema(
        operation_id="open_data_service_statistics",
        summary="Service statistics per agency and month (open data)",
        description=(
            "Counted as on the public page /thong-ke/ (docs/domain.md). JSON by default; CSV with "
            "?format=csv or Accept: text/csv. Licence in `licence` and in the Link header (rel=license)."
        ),
        parameters=[
            OpenApiParameter(
                "month", str, required=False, description="YYYY-MM, not in the future (else 400); default this month"
            )
        ],
        responses={(200, "application/json"): DatasetSerializer, (200, "text/csv"): str},
    )
    def get(self, request):
        today = current_today()
        try:
            period = parse_month(request.query_params.get("month"), today=today, strict=True)
        except ValueError:
            expected = _("Expected a past or current month as YYYY-MM, e.g. 2026-11.")
            raise exceptions.ValidationError({"month": [expected]}) from None
        rows, _total = public_rows(period=period)
        label = f"{period.start:%Y-%m}"
        data = {
            "dataset": "service-statistics",
            "title": "Kết quả giải quyết thủ tục hành chính theo cơ quan và tháng",
            # PROVINCE_NAME carries its own kind ("Thành phố Hồ Chí Minh", "tỉnh Đồng Nai"), as in base.html
            "publisher": f"Ủy ban nhân dân {settings.PROVINCE_NAME}",
            "licence": {"name": settings.OPEN_DATA_LICENCE, "url": settings.OPEN_DATA_LICENCE_URL},
            "month": label,
            "generated_at": timezone.now(),
            "personal_data": False,
            "results": [{"month": label, **row} for row in rows],
        }
        response = Response(DatasetSerializer(data).data)
        response["Link"] = f'<{settings.OPEN_DATA_LICENCE_URL}>; rel="license"'
        if getattr(request, "accepted_renderer", None) and request.accepted_renderer.format == "csv":
            response["Content-Disposition"] = f'inline; filename="service-statistics-{label}.csv"'
        return response
