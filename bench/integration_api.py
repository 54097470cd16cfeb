"""The partner API and webhooks on PostgreSQL: the dossier feed's pages, and webhook deliveries/s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dvc_intapi_bench \\
        .venv/bin/python bench/integration_api.py [--dossiers 200000] [--agencies 200] [--deliveries 2000]

Needs PostgreSQL (created and migrated if missing). Uses the bench dossiers of bench/deadline_sweep.py
(created if missing; spread over `--agencies` agencies under a bench province). Measures, in process
through Django's test client (no network): `GET /api/v1/dossiers/` for a client of one agency and for
a client of the whole province (its subtree), the first page and a page five cursors deep, and one
filtered by `updated_since` — median of 30 calls, SQL queries per call, and EXPLAIN (ANALYZE,
BUFFERS) of the page query. Then the webhook outbox: `--deliveries` rows for one subscription, drained
by one worker into a receiver in another process (tests/onestop/webhook_fake.py: real HTTP, verifies
every signature) — deliveries per second; and the queries an event costs with and without a
subscription. Prints Markdown for docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import deadline_sweep
import server


def _queries(call):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        result = call()
    return result, captured.captured_queries


def _timed(call, n=30):
    times = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def feed(dossiers: int, agencies_n: int) -> list[str]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from onestop.integration.services import api_client_create
    from onestop.models import ApiScope, Dossier

    province, agencies, procedure, applicant, _ = deadline_sweep.master_data(agencies_n)
    deadline_sweep.fill(dossiers, agencies, procedure, applicant)
    with connection.cursor() as cursor:
        # The generator writes one `updated_at` for every bench dossier; real dossiers change at
        # different moments (a cursor over ties falls back to offsets). Spread them over 30 days, once.
        cursor.execute(
            "UPDATE onestop_dossier SET updated_at = updated_at - (id %% 2592000) * interval '1 second' "
            "WHERE code LIKE %s AND (SELECT count(DISTINCT updated_at) < 1000 FROM onestop_dossier WHERE code LIKE %s)",
            [deadline_sweep.CODE_PREFIX + "%"] * 2,
        )
        cursor.execute("ANALYZE onestop_dossier")
    lines = ["| client | page | median ms | SQL queries | rows | page query: EXPLAIN (ANALYZE, BUFFERS) |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for label, agency, subtree in [("one agency", agencies[0], False), ("the province (subtree)", province, True)]:
        _client, token = api_client_create(
            name=f"bench {label}", agency=agency, scopes=[ApiScope.DOSSIERS_READ], include_subtree=subtree
        )
        http = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        with override_settings(ALLOWED_HOSTS=["*"], API_CLIENT_THROTTLE_RATE=""):
            first = "/api/v1/dossiers/?page_size=100"
            url = first
            for _ in range(5):
                url = http.get(url).json()["next"]
            anchor = Dossier.objects.filter(code__startswith=deadline_sweep.CODE_PREFIX).order_by("updated_at").first()
            since = f"/api/v1/dossiers/?page_size=100&updated_since={anchor.updated_at.isoformat()}"
            for page_label, page in [("first", first), ("6th (cursor)", url), ("updated_since", since)]:
                response, queries = _queries(lambda page=page, http=http: http.get(page))
                rows = len(response.json()["results"])
                ms = _timed(lambda page=page, http=http: http.get(page))
                page_sql = max((q["sql"] for q in queries if "onestop_dossier" in q["sql"]), key=len)
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + page_sql)
                    plan = cursor.fetchone()[0][0]
                top = plan["Plan"]
                buffers = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
                lines.append(
                    f"| {label} | {page_label} | {ms:.1f} | {len(queries)} | {rows} | "
                    f"{plan['Execution Time']:.2f} ms, {buffers} buffers, top node {top['Node Type']} |"
                )
    return lines


def serve(port_queue, count_queue, stop, secret_queue) -> None:
    from tests.onestop.webhook_fake import FakeReceiver

    with FakeReceiver() as receiver:
        port_queue.put(receiver.url)
        receiver.secret = secret_queue.get(timeout=60)
        stop.wait()
        count_queue.put((len(receiver.requests), len(receiver.applied), sum(s == 401 for *_, s in receiver.requests)))


def webhooks(deliveries: int) -> list[str]:
    from django.db import connection
    from django.test.utils import override_settings

    from onestop import workflow
    from onestop.integration.services import api_client_create
    from onestop.integration.webhooks.delivery import webhooks_drain
    from onestop.integration.webhooks.services import subscription_secret_renew
    from onestop.models import ApiScope, Dossier, DossierEvent, WebhookDelivery, WebhookSubscription

    province, *_ = deadline_sweep.master_data(1)
    ctx = multiprocessing.get_context("spawn")
    port_queue, count_queue, stop, secret_queue = ctx.Queue(), ctx.Queue(), ctx.Event(), ctx.Queue()
    receiver = ctx.Process(target=serve, args=(port_queue, count_queue, stop, secret_queue))
    receiver.start()
    url = port_queue.get(timeout=30)
    client, _ = api_client_create(name="bench webhooks", agency=province, scopes=[ApiScope.DOSSIERS_READ])
    WebhookSubscription.objects.filter(client__name="bench webhooks").exclude(client=client).delete()
    subscription = WebhookSubscription(client=client, url=url, kinds=["dossier.note_added"])
    secret_queue.put(subscription_secret_renew(subscription=subscription))
    subscription.save()
    dossier = Dossier.objects.filter(code__startswith=deadline_sweep.CODE_PREFIX, status="processing").first()
    with connection.cursor() as cursor:  # events to deliver (the bench dossiers have none of their own)
        cursor.execute(
            """INSERT INTO onestop_dossierevent (dossier_id, action, from_status, to_status, note, data, public,
                   created_at)
               SELECT %s, 'note_added', 'processing', 'processing', '', '{}'::jsonb, false, now()
               FROM generate_series(1, %s)""",
            [dossier.pk, deliveries],
        )
    lines = []
    with override_settings(WEBHOOK_ALLOW_HTTP=True, WEBHOOK_ALLOW_PRIVATE_TARGETS=True):
        # What an event costs: the hook's queries with this subscription, and with none wanting it.
        from onestop.integration.auth import ClientPrincipal

        principal = ClientPrincipal(client)
        _, with_sub = _queries(lambda: workflow.dossier_note_add(dossier=dossier, actor=principal, note="bench"))
        WebhookSubscription.objects.filter(pk=subscription.pk).update(kinds=[])
        _, without = _queries(lambda: workflow.dossier_note_add(dossier=dossier, actor=principal, note="bench"))
        WebhookSubscription.objects.filter(pk=subscription.pk).update(kinds=["dossier.note_added"])
        WebhookDelivery.objects.filter(subscription__client__name__startswith="bench").delete()
        event = DossierEvent.objects.filter(dossier=dossier, action="note_added").last()
        template = WebhookDelivery(subscription=subscription, event=event, kind="dossier.note_added", payload={})
        from onestop.integration.webhooks.services import event_body

        body = event_body(kind="dossier.note_added", event=event, dossier=dossier, delivery_id=template.delivery_id)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM onestop_webhookdelivery WHERE subscription_id = %s", [subscription.pk])
            cursor.execute(
                """INSERT INTO onestop_webhookdelivery (subscription_id, event_id, delivery_id, kind, payload, state,
                       attempts, next_attempt_at, last_error, created_at)
                   SELECT %s, e.id, gen_random_uuid(), 'dossier.note_added', %s::jsonb, 'pending', 0, now(), '', now()
                   FROM (SELECT id FROM onestop_dossierevent WHERE dossier_id = %s ORDER BY id DESC LIMIT %s) e""",
                [subscription.pk, json.dumps(body, ensure_ascii=False), dossier.pk, deliveries],
            )
            cursor.execute("ANALYZE onestop_webhookdelivery")
        total = WebhookDelivery.objects.filter(subscription=subscription, state="pending").count()
        started = time.perf_counter()
        result = webhooks_drain(max_seconds=600)
        seconds = time.perf_counter() - started
    stop.set()
    requests_, applied, refused = count_queue.get(timeout=60)
    receiver.join()
    lines += [
        f"- an event's hook with a subscription wanting it: {len(with_sub)} queries for the whole note action "
        f"({len(without)} when no subscription wants the event);",
        f"- {result.sent}/{total} deliveries (body {len(json.dumps(body))} bytes) sent by one worker in "
        f"{seconds:.1f} s: **{result.sent / seconds:.0f} deliveries/s**; the receiver verified {applied} "
        f"signatures (refused {refused}) in {requests_} requests.",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--deliveries", type=int, default=2000)
    args = parser.parse_args()
    server.ensure_database()
    server.manage("migrate", "--noinput", "--verbosity", "0")
    deadline_sweep.setup_django()
    print("\n".join(feed(args.dossiers, args.agencies)))
    print()
    print("\n".join(webhooks(args.deliveries)))


if __name__ == "__main__":
    main()
