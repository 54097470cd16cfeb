"""Fill the catalogue with N synthetic procedures for benchmarks (bench/README.md)."""

import random

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from procedures.models import (
    Agency,
    AgencyKind,
    OnlineLevel,
    Procedure,
    ProcedureChannel,
    ProcedureStatus,
    Sector,
    TimeUnit,
)
from procedures.search import search_text_for

VERBS = ["Đăng ký", "Cấp", "Cấp lại", "Cấp đổi", "Điều chỉnh", "Gia hạn", "Thu hồi", "Xác nhận", "Chứng thực",
         "Thẩm định", "Phê duyệt", "Công nhận", "Thông báo", "Giải quyết", "Hỗ trợ"]  # fmt: skip
OBJECTS = ["giấy phép xây dựng", "khai sinh", "kết hôn", "hộ kinh doanh", "doanh nghiệp tư nhân",
           "quyền sử dụng đất", "giấy phép lái xe", "thường trú", "tạm trú", "chứng chỉ hành nghề",
           "giấy phép lao động", "hợp đồng chuyển nhượng", "biến động đất đai", "giấy chứng nhận đầu tư",
           "phiếu lý lịch tư pháp", "bản sao trích lục", "giấy phép kinh doanh rượu", "nhãn hiệu",
           "cơ sở giáo dục mầm non", "trang thiết bị y tế", "phương tiện thủy nội địa", "di tích lịch sử"]  # fmt: skip
QUALIFIERS = ["", "cho người nước ngoài", "có yếu tố nước ngoài", "trong khu công nghiệp", "tại cấp xã",
              "lần đầu", "do bị mất", "do hết hạn", "đối với tổ chức", "đối với cá nhân"]  # fmt: skip


class Command(BaseCommand):
    help = "Create N synthetic published procedures (codes 9.xxxxxx) for benchmarks; replaces earlier ones."

    def add_arguments(self, parser):
        parser.add_argument("--procedures", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=2026)

    @transaction.atomic
    def handle(self, *args, procedures: int, seed: int, **options) -> None:
        rng = random.Random(seed)  # noqa: S311 — synthetic data, not security
        Procedure.objects.filter(code__startswith="9.").delete()
        sectors = [
            Sector.objects.update_or_create(code=f"BENCH-{i:02d}", defaults={"name": f"Lĩnh vực thử {i:02d}"})[0]
            for i in range(40)
        ]
        agencies = [
            Agency.objects.update_or_create(
                code=f"000.00.{i:02d}.B99", defaults={"name": f"Cơ quan thử {i:02d}", "kind": AgencyKind.DEPARTMENT}
            )[0]
            for i in range(30)
        ]
        rows = []
        for n in range(procedures):
            name = " ".join(filter(None, [rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(QUALIFIERS)]))
            code = f"9.{n:06d}"
            receiving = rng.choice(agencies)
            local_code = f"{code}.{receiving.code}"
            rows.append(
                Procedure(
                    code=code,
                    local_code=local_code,
                    name=name,
                    sector=rng.choice(sectors),
                    receiving_agency=receiving,
                    online_level=rng.choice(OnlineLevel.values),
                    applicant_citizen=True,
                    applicant_organisation=rng.random() < 0.4,
                    status=ProcedureStatus.PUBLISHED,
                    delivery_methods=["counter", "online"],
                    search_text=search_text_for(code=code, local_code=local_code, name=name),
                )
            )
        created = Procedure.objects.bulk_create(rows, batch_size=1000)
        ProcedureChannel.objects.bulk_create(
            [
                ProcedureChannel(
                    procedure=p, channel=channel, time_amount=rng.randint(1, 20), time_unit=TimeUnit.WORKING_DAYS
                )
                for p in created
                for channel in (1, 2)
            ],
            batch_size=2000,
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give a live site
                cursor.execute("ANALYZE procedures_procedure")
        self.stdout.write(f"{len(created)} synthetic procedures ready.")
