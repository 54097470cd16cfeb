"""Fill PostgreSQL with N back-office dossiers for the queue benchmark (bench/queue_page.py).

    manage.py bench_seed --dossiers 1000000 [--wards 50] [--demo-share 0.1] [--open-share 0.03]

Set-based: one `INSERT … SELECT … FROM generate_series` per 100,000 rows, never the ORM row by row
(1,000,000 dossiers take a few minutes, most of it maintaining the indexes). Needs the demo data
(`seed_demo`): the procedures with a process and the demo staff.

What it makes (codes `BQ-00000001`…; a new run deletes the previous run's rows first):

* a `--demo-share` of the dossiers at the demo agencies, with the demo procedures' own snapshots,
  units and the demo staff as assignees (tiepnhan@, chuyenvien@, lanhdao.phong@demo.vn see them);
  the rest spread over `--wards` synthetic wards (`000.98.NN.H12`, one receptionist, two specialists
  and one approver each), so that one unit does not hold an unrealistic million;
* statuses as in a living province: `--open-share` (default 3 %) open or resolved — a province
  receiving ~900 dossiers a working day holds about ten days of them — the rest closed (returned,
  refused, withdrawn, stopped) over three years; open dossiers' deadlines spread from a few days
  late to weeks ahead (~15 % overdue). `--open-share 0.17` is the stress test of docs/performance.md;
* no events or files: the queue pages do not read them (the statistics page reads the dossiers'
  received_at, resolved_at, closed_at and due_at through its roll-up: resolved_at is filled in).
"""

from __future__ import annotations

import json
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction

from onestop.models import Dossier, DossierEvent, Role, StaffRole
from onestop.workflow.snapshot import procedure_snapshot
from procedures.models import Agency, AgencyKind, Procedure, ProcedureStatus

User = get_user_model()

PREFIX = "BQ-"
CHUNK = 100_000
CITIZENS = 200
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Ngọc", "Hữu", "Quốc", "Thu", "Gia", "Đức"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Khánh", "Lan", "Long", "Mai",
         "Nam", "Ngân", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"]  # fmt: skip

# Shares inside the open part (in hand, waiting, or the result waiting to be returned) and inside the
# closed part; --open-share sets how much of the table is open.
OPEN = [("submitted", 12), ("received", 12), ("processing", 41), ("supplement_requested", 12),
        ("awaiting_payment", 6), ("resolved", 17)]  # fmt: skip
CLOSED = [("returned", 92.7), ("rejected", 3.6), ("withdrawn", 2.4), ("stopped", 1.3)]


def _status_case(open_share: float) -> str:
    """CASE over one uniform number per row (r_s) giving the status with the wanted shares."""
    cumulative, parts = 0.0, []
    for shares, part in ((OPEN, open_share), (CLOSED, 1 - open_share)):
        total = sum(share for _status, share in shares)
        for status, share in shares:
            cumulative += part * share / total
            parts.append(f"WHEN r_s < {cumulative:.6f} THEN '{status}'")
    return f"CASE {' '.join(parts[:-1])} ELSE '{CLOSED[-1][0]}' END"


class Command(BaseCommand):
    help = "Create N synthetic back-office dossiers (codes BQ-…) on PostgreSQL for bench/queue_page.py."

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, default=100_000)
        parser.add_argument("--wards", type=int, default=50, help="synthetic wards holding the non-demo share")
        parser.add_argument("--demo-share", type=float, default=0.1, help="share of dossiers at the demo agencies")
        parser.add_argument(
            "--open-share",
            type=float,
            default=0.03,
            help="share of open or resolved dossiers (a living province: 1-3 %%; 0.17 for a stress test)",
        )
        parser.add_argument("--seed", type=float, default=0.2026, help="PostgreSQL setseed() value, in [-1, 1]")

    def handle(
        self, *args, dossiers: int, wards: int, demo_share: float, open_share: float, seed: float, **options
    ) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_seed needs PostgreSQL (generate_series, jsonb).")
        if not 0 <= open_share <= 1:
            raise CommandError("--open-share must be in [0, 1].")
        if not 0 <= demo_share <= 1 or (demo_share < 1 and wards < 1):
            raise CommandError("--demo-share must be in [0, 1]; with a share below 1, --wards must be at least 1.")
        started = time.monotonic()
        self._delete_previous()
        with transaction.atomic():
            demo, ward = self._variants(wards)
            if not demo:
                raise CommandError("No published procedure with a process: run `manage.py seed_demo` first.")
            citizens = self._citizens()
            self._temp_tables(demo + ward, citizens)
        self.stdout.write(f"{len(demo)} demo and {len(ward)} ward variants; inserting {dossiers} dossiers…")
        done = 0
        with connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [seed])
            while done < dossiers:
                size = min(CHUNK, dossiers - done)
                with transaction.atomic():
                    cursor.execute(
                        self._insert_sql(open_share), self._params(done, size, demo_share, len(demo), len(ward))
                    )
                done += size
                self.stdout.write(f"  {done} dossiers ({time.monotonic() - started:.0f} s)")
            # Fresh statistics and visibility map, as autovacuum would give a live site (index-only counts).
            cursor.execute("VACUUM ANALYZE onestop_dossier")
        self.stdout.write(self.style.SUCCESS(f"{dossiers} bench dossiers in {time.monotonic() - started:.0f} s."))

    # ------------------------------------------------------------------------------ setup

    def _delete_previous(self) -> None:
        """Delete the previous run's dossiers and whatever points at them (events, notifications…)."""
        dossiers = f"SELECT id FROM onestop_dossier WHERE code LIKE '{PREFIX}%%'"  # noqa: S608 — a constant
        events = f"SELECT id FROM onestop_dossierevent WHERE dossier_id IN ({dossiers})"  # noqa: S608
        with transaction.atomic(), connection.cursor() as cursor:
            for model, ids in ((DossierEvent, events), (Dossier, dossiers)):
                for rel in model._meta.related_objects:
                    table, column = rel.related_model._meta.db_table, rel.field.column
                    if rel.on_delete is models.SET_NULL:
                        cursor.execute(f"UPDATE {table} SET {column} = NULL WHERE {column} IN ({ids})")  # noqa: S608
                    else:
                        cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({ids})")  # noqa: S608
            cursor.execute(f"DELETE FROM onestop_dossier WHERE code LIKE '{PREFIX}%%'")  # noqa: S608
            deleted = cursor.rowcount
        if deleted:
            self.stdout.write(f"Deleted {deleted} dossiers of the previous run.")

    def _variants(self, wards: int) -> tuple[list[dict], list[dict]]:
        """One variant per (procedure, agency): what a dossier copies (snapshot, units of its steps)."""
        procedures = list(
            Procedure.objects.filter(status=ProcedureStatus.PUBLISHED, process__isnull=False)
            .select_related("sector", "receiving_agency", "process")
            .prefetch_related("channels", "fees", "documents", "form_fields", "process__steps__agency")
            .order_by("code")
        )
        demo = []
        for procedure in procedures:
            snapshot = procedure_snapshot(procedure)
            steps = list(procedure.process.steps.all())
            if not steps:
                continue
            demo.append(
                {
                    "procedure_id": procedure.pk,
                    "agency_id": procedure.receiving_agency_id,
                    "snapshot": snapshot,
                    "step_agencies": [s.agency_id for s in steps],
                    "step_roles": [s.role for s in steps],
                }
            )
        ward = []
        for number in range(1, wards + 1):
            agency = self._ward(number)
            for variant in demo:
                ward.append(
                    {
                        **variant,
                        "agency_id": agency.pk,
                        "step_agencies": [agency.pk] * len(variant["step_agencies"]),
                    }
                )
        return demo, ward

    def _ward(self, number: int) -> Agency:
        # The wards belong to the province (two-tier local government), so that its leader
        # (lanhdao@demo.vn) oversees the million dossiers (bench/queue_page.py, the leader's runs).
        agency, _ = Agency.objects.update_or_create(
            code=f"000.98.{number:02d}.H12",
            defaults={
                "name": f"Ủy ban nhân dân phường Thử tải {number:02d}",
                "kind": AgencyKind.COMMUNE,
                "parent": Agency.objects.filter(code="000.00.00.H12").first(),
            },
        )
        password = make_password(None)
        for role, count in ((Role.RECEPTIONIST, 1), (Role.SPECIALIST, 2), (Role.APPROVER, 1)):
            for k in range(1, count + 1):
                user, _ = User.objects.get_or_create(
                    email=f"bq-{number:02d}-{role}-{k}@bench.vn",
                    defaults={"full_name": f"Cán bộ thử tải {number:02d}-{k}", "password": password},
                )
                StaffRole.objects.get_or_create(user=user, agency=agency, role=role)
        return agency

    def _citizens(self) -> list[int]:
        password = make_password(None)
        existing = set(User.objects.filter(email__startswith="bq-citizen-").values_list("email", flat=True))
        User.objects.bulk_create(
            [
                User(email=f"bq-citizen-{i:03d}@bench.vn", full_name=f"Công dân thử tải {i:03d}", password=password)
                for i in range(CITIZENS)
                if f"bq-citizen-{i:03d}@bench.vn" not in existing
            ]
        )
        return list(User.objects.filter(email__startswith="bq-citizen-").order_by("pk").values_list("pk", flat=True))

    def _temp_tables(self, variants: list[dict], citizens: list[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bq_variant, bq_staff, bq_citizen")
            cursor.execute(
                "CREATE UNLOGGED TABLE bq_variant (v int PRIMARY KEY, procedure_id int, agency_id int, snapshot jsonb,"
                " steps int, step_agencies int[], step_roles text[])"
            )
            cursor.executemany(
                "INSERT INTO bq_variant VALUES (%s, %s, %s, %s::jsonb, %s, %s, %s)",
                [
                    (
                        v,
                        row["procedure_id"],
                        row["agency_id"],
                        json.dumps(row["snapshot"], ensure_ascii=False),
                        len(row["step_agencies"]),
                        row["step_agencies"],
                        row["step_roles"],
                    )
                    for v, row in enumerate(variants, start=1)
                ],
            )
            # Who may be assigned at a (unit, role): the demo staff, the wards' staff.
            cursor.execute(
                "CREATE UNLOGGED TABLE bq_staff AS SELECT agency_id, role, array_agg(user_id ORDER BY user_id) AS users"
                " FROM onestop_staffrole WHERE active GROUP BY agency_id, role"
            )
            cursor.execute("CREATE UNLOGGED TABLE bq_citizen (n int PRIMARY KEY, user_id int)")
            cursor.executemany("INSERT INTO bq_citizen VALUES (%s, %s)", list(enumerate(citizens)))

    # ----------------------------------------------------------------------------- insert

    def _params(self, offset: int, size: int, demo_share: float, demo: int, ward: int) -> dict:
        return {
            "first": offset + 1,
            "last": offset + size,
            "demo_share": demo_share,
            "demo": demo,
            "ward": max(ward, 1),
            "citizens": CITIZENS,
            "family": FAMILY,
            "middle": MIDDLE,
            "given": GIVEN,
        }

    def _insert_sql(self, open_share: float) -> str:
        # r_*: independent uniform numbers per row. v: the variant (demo share first, then the wards').
        return f"""
WITH g AS (
    SELECT i, random() AS r_v, random() AS r_s, random() AS r_t, random() AS r_a, random() AS r_d,
           random() AS r_e, random() AS r_n, now() AS t0
    FROM generate_series(%(first)s, %(last)s) AS i
), p AS (
    SELECT g.*,
           CASE WHEN r_v < %(demo_share)s OR %(demo_share)s >= 1
                THEN 1 + floor(r_v / greatest(%(demo_share)s, 1e-9) * %(demo)s)::int %% %(demo)s
                ELSE %(demo)s + 1 + floor((r_v - %(demo_share)s) / (1 - %(demo_share)s) * %(ward)s)::int %% %(ward)s
           END AS v,
           {_status_case(open_share)} AS status
    FROM g
), q AS (
    SELECT p.*, bv.procedure_id, bv.agency_id, bv.snapshot, bv.steps, bv.step_agencies, bv.step_roles,
           CASE
             WHEN p.status = 'submitted' THEN p.t0 - r_t * interval '30 hours'
             WHEN p.status IN ('received', 'processing', 'supplement_requested', 'awaiting_payment', 'resolved')
               THEN p.t0 - interval '1 day' - r_t * interval '25 days'
             ELSE p.t0 - interval '3 days' - r_t * interval '1095 days'
           END AS submitted_at,
           CASE
             WHEN p.status = 'received' THEN 1
             WHEN p.status IN ('processing', 'supplement_requested', 'awaiting_payment')
               THEN 1 + floor(r_a * greatest(bv.steps - 1, 1))::int
             WHEN p.status IN ('resolved', 'returned') THEN bv.steps
             ELSE NULL
           END AS step
    FROM p JOIN bq_variant bv ON bv.v = p.v
)
INSERT INTO onestop_dossier (
    public_id, code, procedure_id, agency_id, applicant_id, status, channel,
    applicant_kind, applicant_name, applicant_id_number, applicant_phone, applicant_email, applicant_address,
    organisation_name, organisation_tax_code, form_data, delivery_method, delivery_address, delivery_phone,
    delivery_province_code, delivery_ward_code, pickup_address, search_text,
    declaration_accepted, snapshot, wizard_step, created_at, updated_at, submitted_at, check_due_at, received_at,
    due_at, resolved_at, closed_at, withdraw_reason, current_step, step_agency_id, assignee_id, step_due_at, paused_at,
    remaining_minutes, step_remaining_minutes, supplement_requests, extensions, version
)
SELECT
    gen_random_uuid(),
    '{PREFIX}' || lpad(q.i::text, 8, '0'),
    q.procedure_id, q.agency_id, c.user_id, q.status,
    CASE WHEN q.status = 'submitted' OR r_a < 0.6 THEN 2 WHEN r_a < 0.95 THEN 1 ELSE 3 END,
    'self',
    (%(family)s::text[])[1 + q.i %% 14] || ' ' || (%(middle)s::text[])[1 + (q.i / 14) %% 10] || ' '
        || (%(given)s::text[])[1 + (q.i / 140) %% 24],
    '0740' || lpad(((q.i::bigint * 104729) %% 100000000)::text, 8, '0'),
    '09' || lpad(((q.i::bigint * 7919) %% 100000000)::text, 8, '0'),
    '', 'Thủ Dầu Một', '', '', '{{}}'::jsonb,
    (ARRAY['online', 'counter', 'post'])[1 + q.i %% 3], '', '', '', '', '', '',
    true, q.snapshot, 'review', q.submitted_at, q.t0, q.submitted_at,
    q.submitted_at + interval '1 day',
    CASE WHEN q.status IN ('submitted', 'rejected') THEN NULL ELSE q.submitted_at + r_e * interval '8 hours' END,
    CASE
      WHEN q.status IN ('submitted', 'rejected') THEN NULL
      WHEN q.status IN ('received', 'processing', 'supplement_requested', 'awaiting_payment', 'resolved')
        THEN q.t0 + (r_d * 23 - 3) * interval '1 day'
      ELSE q.submitted_at + interval '10 days'
    END,
    CASE WHEN q.status = 'returned' THEN q.submitted_at + interval '8 hours' + r_d * interval '12 days'
         WHEN q.status = 'resolved' THEN q.t0 - r_e * interval '12 hours' ELSE NULL END,
    CASE WHEN q.status IN ('returned', 'rejected', 'withdrawn', 'stopped')
         THEN q.submitted_at + interval '8 hours' + r_d * interval '12 days' ELSE NULL END,
    CASE WHEN q.status = 'withdrawn' THEN 'Nộp nhầm thủ tục.' ELSE '' END,
    q.step,
    CASE WHEN q.step IS NULL THEN NULL ELSE q.step_agencies[q.step] END,
    CASE WHEN q.status IN ('received', 'processing', 'supplement_requested', 'awaiting_payment')
              AND r_n < 0.7 AND s.users IS NOT NULL
         THEN s.users[1 + floor(r_n / 0.7 * array_length(s.users, 1))::int %% array_length(s.users, 1)]
         ELSE NULL END,
    CASE WHEN q.status IN ('received', 'processing', 'awaiting_payment')
         THEN q.t0 + (r_e * 6 - 1) * interval '1 day' ELSE NULL END,
    CASE WHEN q.status = 'supplement_requested' THEN q.t0 - r_e * interval '5 days' ELSE NULL END,
    CASE WHEN q.status = 'supplement_requested' THEN 600 ELSE NULL END,
    NULL,
    CASE WHEN q.status = 'supplement_requested' THEN 1 ELSE 0 END,
    0,
    1 + floor(r_n * 5)::int
FROM q
JOIN bq_citizen c ON c.n = q.i %% %(citizens)s
LEFT JOIN bq_staff s ON s.agency_id = q.step_agencies[q.step] AND s.role = q.step_roles[q.step]
"""  # noqa: S608 — constants and placeholders only
