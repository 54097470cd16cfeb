"""The back-office queues (onestop/backoffice/queues.py): who sees which dossier, filters, counts."""

from __future__ import annotations

import datetime as dt
import itertools
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from onestop.access import access_scope
from onestop.backoffice import queue_reads
from onestop.backoffice.filters import DossierQueueFilter
from onestop.backoffice.queue_reads import as_rows, first_ids, first_rows, queue_counts, row_values, searched_ids
from onestop.backoffice.queues import (
    QUEUES_BY_KEY,
    branches,
    due_soon_horizon,
    queue_condition,
    queue_dossiers,
    queue_order,
    queue_parts,
)
from onestop.models import Dossier, DossierChannel, DossierStatus, Role
from onestop.workflow.snapshot import procedure_snapshot
from procedures.models import Agency
from tests.factories import StaffRoleFactory

pytestmark = pytest.mark.django_db
S = DossierStatus
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
# A plain Wednesday morning: no holiday within a week either side.
NOW = dt.datetime(2026, 3, 11, 9, 0, tzinfo=HCM)
_numbers = itertools.count(1)


def calendar_settled() -> None:
    """The fixtures saved agencies in the test's open transaction, so the working calendar would be
    rebuilt on every call (its own uncommitted changes); a live process loads it once."""
    from onestop.workcalendar.django_calendar import _registry

    _registry.reset()
    due_soon_horizon(NOW)


def make(office, *, status=S.SUBMITTED, channel=DossierChannel.ONLINE, agency=None, **fields) -> Dossier:
    """A dossier row as the services would leave it, without going through them (fast)."""
    number = next(_numbers)
    snapshot = getattr(office, "_snapshot", None) or procedure_snapshot(office.procedure)
    office._snapshot = snapshot
    values = {
        "code": f"000.20.01.H12-260311-{number:04d}",
        "applicant_name": "Nguyễn Văn An",
        "applicant_phone": "0912345678",
        "applicant_id_number": "074090001234",
        "submitted_at": NOW - dt.timedelta(hours=number),
        "form_data": {"ho_ten_chong": "Nguyễn Văn An", "hinh_thuc": "Tại trụ sở"},
        "delivery_method": "online",
    }
    if status not in (S.SUBMITTED, S.DRAFT):  # received (two days back, not today) as the desk would have
        values["received_at"] = NOW - dt.timedelta(days=2)
    values.update(fields)
    return Dossier.objects.create(
        procedure=office.procedure,
        agency=agency or office.agency,
        applicant=office.citizen,
        status=status,
        channel=channel,
        snapshot=snapshot,
        **values,
    )


def at_step(office, step: int, *, status=S.PROCESSING, **fields) -> Dossier:
    return make(
        office, status=status, current_step=step, step_agency=fields.pop("step_agency", office.agency), **fields
    )


def ids(key: str, user, now=NOW) -> set[int]:
    return set(queue_dossiers(queue=QUEUES_BY_KEY[key], scope=access_scope(user), now=now).values_list("pk", flat=True))


# ------------------------------------------------------------------------------ membership


def test_inbox_is_the_desks_online_dossiers_waiting_for_the_check(office):
    mine = make(office, check_due_at=NOW + dt.timedelta(hours=3))
    older = make(office, check_due_at=NOW + dt.timedelta(hours=1))
    make(office, status=S.RECEIVED)
    elsewhere = make(office, agency=Agency.objects.get(code="000.20.09.H12"))
    inbox = queue_dossiers(queue=QUEUES_BY_KEY["inbox"], scope=access_scope(office.receptionist), now=NOW)
    assert list(inbox.values_list("pk", flat=True)) == [older.pk, mine.pk]  # oldest check deadline first
    assert ids("inbox", office.outsider) == {elsewhere.pk}
    for who in (office.specialist, office.approver, office.postal_clerk):
        assert not ids("inbox", who)  # not their queue at all
        assert "inbox" not in queue_counts(scope=access_scope(who), now=NOW)


def test_my_work_is_what_is_assigned_to_me_and_in_hand(office):
    received = at_step(office, 1, status=S.RECEIVED, assignee=office.specialist)
    processing = at_step(office, 2, assignee=office.specialist)
    at_step(office, 2, assignee=office.approver)
    at_step(office, 3, status=S.RESOLVED, assignee=office.specialist)  # done: no longer work
    at_step(office, 2, status=S.SUPPLEMENT_REQUESTED, assignee=office.specialist)  # waiting for the applicant
    assert ids("mine", office.specialist) == {received.pk, processing.pk}
    assert not ids("mine", office.outsider)


def test_my_work_needs_a_role_in_the_dossiers_agencies(office):
    other = Agency.objects.get(code="000.20.09.H12")
    at_step(office, 2, agency=other, step_agency=other, assignee=office.specialist)
    assert not ids("mine", office.specialist)


def test_pool_is_my_units_unassigned_dossiers(office):
    free = at_step(office, 2)
    free_received = at_step(office, 1, status=S.RECEIVED)
    at_step(office, 2, assignee=office.specialist)
    other = Agency.objects.get(code="000.20.09.H12")
    at_step(office, 2, agency=other, step_agency=other)
    assert ids("pool", office.approver) == ids("pool", office.specialist) == {free.pk, free_received.pk}
    assert not ids("pool", office.receptionist)
    assert "pool" not in queue_counts(scope=access_scope(office.receptionist), now=NOW)


def test_approval_is_processing_at_an_approver_step_of_my_unit(office):
    waiting = at_step(office, 3)  # step 3 of the fixture's process is the approver's
    assigned_to_me = at_step(office, 3, assignee=office.approver)
    other_approver = StaffRoleFactory(agency=office.agency, role=Role.APPROVER).user
    at_step(office, 3, assignee=other_approver)  # another approver's
    at_step(office, 2)  # the specialist's step
    at_step(office, 3, status=S.SUPPLEMENT_REQUESTED)
    assert ids("approval", office.approver) == {waiting.pk, assigned_to_me.pk}
    assert not ids("approval", office.specialist)


def test_result_to_return_at_the_desk_and_by_post_for_the_postal_clerk(office):
    counter = at_step(office, 3, status=S.RESOLVED, delivery_method="counter")
    post = at_step(office, 3, status=S.RESOLVED, delivery_method="post")
    at_step(office, 3, status=S.RETURNED, delivery_method="post")
    assert ids("to_return", office.receptionist) == {counter.pk, post.pk}
    assert ids("to_return", office.postal_clerk) == {post.pk}
    assert not ids("to_return", office.specialist)


def test_due_soon_and_overdue_with_a_fixed_now(office):
    horizon = due_soon_horizon(NOW)
    assert horizon == dt.datetime(2026, 3, 12, 9, 0, tzinfo=HCM)  # one working day later
    soon_step = at_step(office, 2, step_due_at=NOW + dt.timedelta(hours=6), due_at=NOW + dt.timedelta(days=5))
    soon_check = make(office, check_due_at=NOW + dt.timedelta(hours=2))
    late_step = at_step(office, 2, step_due_at=NOW - dt.timedelta(hours=1), due_at=NOW + dt.timedelta(days=5))
    late_due = at_step(office, 2, step_due_at=NOW + dt.timedelta(hours=2), due_at=NOW - dt.timedelta(minutes=1))
    late_check = make(office, check_due_at=NOW - dt.timedelta(hours=1))
    later = at_step(office, 2, step_due_at=NOW + dt.timedelta(days=2), due_at=NOW + dt.timedelta(days=5))
    # The clock is paused while the applicant supplements; a result ready is no longer late.
    at_step(office, 2, status=S.SUPPLEMENT_REQUESTED, paused_at=NOW, due_at=NOW - dt.timedelta(days=1))
    at_step(office, 3, status=S.RESOLVED, due_at=NOW - dt.timedelta(days=1))
    for user in (office.receptionist, office.specialist, office.approver):
        assert ids("due_soon", user) == {soon_step.pk, soon_check.pk}
        assert ids("overdue", user) == {late_step.pk, late_due.pk, late_check.pk}
    assert later.pk not in ids("due_soon", office.approver, now=NOW)
    assert not ids("overdue", office.outsider) and not ids("due_soon", office.outsider)
    # A day later the step that was due soon is late.
    assert soon_step.pk in ids("overdue", office.approver, now=NOW + dt.timedelta(days=1))


def test_staff_see_dossiers_whose_current_step_is_in_their_unit(office):
    """DESIGN §1: the receiving agency or the unit of the current step (e.g. after a transfer)."""
    centre = Agency.objects.get(code="000.20.09.H12")
    transferred = at_step(
        office, 2, agency=centre, step_due_at=NOW - dt.timedelta(hours=1), due_at=NOW + dt.timedelta(days=3)
    )
    assert transferred.pk in ids("pool", office.specialist)
    assert transferred.pk in ids("overdue", office.specialist)
    # The receiving desk answers for the appointment, the unit for its step.
    assert transferred.pk not in ids("overdue", office.outsider)
    assert transferred.pk in ids("overdue", office.outsider, now=NOW + dt.timedelta(days=4))


# ---------------------------------------------------------------------------------- counts


def test_counts_are_one_query_and_match_the_queues(office, django_assert_num_queries):
    at_step(office, 2, step_due_at=NOW - dt.timedelta(hours=1))
    at_step(office, 3, step_due_at=NOW + dt.timedelta(hours=2))
    at_step(office, 2, assignee=office.approver)
    make(office, check_due_at=NOW + dt.timedelta(hours=1))
    at_step(office, 3, status=S.RESOLVED)
    approver = access_scope(office.approver)
    calendar_settled()
    queue_counts(scope=approver, now=NOW)  # PostgreSQL: prepared on first use in the connection
    with django_assert_num_queries(1):
        counts = queue_counts(scope=approver, now=NOW)
    # A head of unit also oversees the unit: in progress, received today (issue #12).
    assert set(counts) == {"mine", "pool", "approval", "due_soon", "overdue", "in_progress", "received_today"}
    for key, count in counts.items():
        assert count == queue_dossiers(queue=QUEUES_BY_KEY[key], scope=approver, now=NOW).count(), key
    assert counts == {
        "mine": 1, "pool": 2, "approval": 1, "due_soon": 2, "overdue": 1, "in_progress": 3, "received_today": 0
    }  # fmt: skip


def test_counts_follow_the_clock_and_count_a_dossier_late_twice_once(office):
    """The count statement is compiled once per scope (queues._counts_statement) and the request's
    times set in it: an hour later the step due soon is overdue. A dossier late both on its
    appointment and on its step is one dossier (the branches' UNION, not their sum)."""
    both = at_step(office, 2, step_due_at=NOW - dt.timedelta(hours=1), due_at=NOW - dt.timedelta(minutes=5))
    soon = at_step(office, 2, step_due_at=NOW + dt.timedelta(minutes=30), due_at=NOW + dt.timedelta(days=5))
    make(office, check_due_at=NOW + dt.timedelta(hours=1))  # the inbox: submitted, and a parcel received by post
    make(office, status=S.RECEIVED, channel=DossierChannel.POST, current_step=1)
    calendar_settled()
    for user in (office.receptionist, office.approver):
        scope = access_scope(user)
        for now in (NOW, NOW + dt.timedelta(hours=1)):
            counts = queue_counts(scope=scope, now=now)
            for key, count in counts.items():
                assert count == queue_dossiers(queue=QUEUES_BY_KEY[key], scope=scope, now=now).count(), (key, now)
        assert queue_counts(scope=scope, now=NOW)["overdue"] == 1
        assert soon.pk in ids("overdue", user, now=NOW + dt.timedelta(hours=1)) and both.pk in ids("overdue", user)
    assert queue_counts(scope=access_scope(office.receptionist), now=NOW)["inbox"] == 2


def test_home_rows_are_each_queues_first_rows(office, django_assert_num_queries):
    """first_rows (the home page: the ids in one statement on PostgreSQL, compiled once per scope,
    then their rows in one) gives what each queue's own query gives, in its order, an hour later too."""
    for hours in range(-3, 4):
        at_step(office, 2, step_due_at=NOW + dt.timedelta(hours=hours), due_at=NOW + dt.timedelta(hours=2 * hours))
        make(office, check_due_at=NOW + dt.timedelta(hours=hours))
    calendar_settled()
    scope = access_scope(office.approver)
    queues = [QUEUES_BY_KEY[key] for key in ("mine", "pool", "due_soon", "overdue", "in_progress")]
    first_rows(scope=scope, queues=queues, now=NOW, limit=5)  # PostgreSQL: prepared on first use
    for now in (NOW, NOW + dt.timedelta(hours=1)):
        with django_assert_num_queries(2 if connection.vendor == "postgresql" else len(queues) + 1):
            found = first_rows(scope=scope, queues=queues, now=now, limit=5)
        for queue in queues:
            expected = list(as_rows(queue_dossiers(queue=queue, scope=scope, now=now))[:5])
            assert found[queue.key] == expected, (queue.key, now)
    assert found["overdue"] and found["due_soon"]


def test_a_page_from_each_branchs_first_rows_is_the_queues_page(office):
    """QueueRows with the queue's branches (on PostgreSQL the UNION of each branch's first rows,
    queue_reads.page_ids_sql) gives, page by page, exactly the queue's own order — dossiers in two branches
    once, none missing — with a search too; another sort reads the whole queue. So does an unfiltered
    queue's first pages read by first_ids."""
    for hours in range(-6, 7):
        # Late on the appointment, on the step, on both, or not at all; some without a step deadline.
        at_step(office, 2, status=S.RECEIVED, step_due_at=NOW + dt.timedelta(hours=hours) if hours % 3 else None,
                due_at=NOW + dt.timedelta(hours=2 * hours))  # fmt: skip
        make(office, check_due_at=NOW + dt.timedelta(hours=hours), applicant_name=f"Trần Thị {hours}")
    calendar_settled()
    scope = access_scope(office.receptionist)
    assert queue_parts(queue=QUEUES_BY_KEY["inbox"], scope=scope, now=NOW) == []  # one index: one query
    for key in ("overdue", "due_soon"):
        queue = QUEUES_BY_KEY[key]
        for data in (None, {"q": "tran thi"}, {"sort": "-deadline"}):
            queue_filter = DossierQueueFilter(
                data, queryset=queue_dossiers(queue=queue, scope=scope, now=NOW), scope=scope, deadline=queue.deadline
            )
            parts = queue_filter.parts(queue_parts(queue=queue, scope=scope, now=NOW))
            assert len(branches(queue_condition(queue=queue, scope=scope, now=NOW))) > 1
            assert (parts is None) == (data == {"sort": "-deadline"}), (key, data)
            expected = list(queue_filter.qs.values_list("pk", flat=True))
            rows = as_rows(queue_filter.qs, parts=parts, deadline=queue.deadline)
            for start, stop in ((0, 3), (3, 7), (7, 40)):
                assert [row["id"] for row in rows[start:stop]] == expected[start:stop], (key, data, start)
            assert expected, (key, data)
    # An unfiltered queue's first pages: the compiled, prepared statement of the home (first_ids).
    for key in ("overdue", "due_soon", "inbox", "in_progress", "awaiting_payment"):
        queue = QUEUES_BY_KEY[key]
        dossiers = queue_dossiers(queue=queue, scope=scope, now=NOW)
        expected = list(dossiers.values_list("pk", flat=True))
        rows = as_rows(dossiers, first=partial(first_ids, scope=scope, queue=queue, now=NOW))
        for start, stop in ((0, 3), (3, 7), (7, 40)):
            assert [row["id"] for row in rows[start:stop]] == expected[start:stop], (key, start)
    assert queue_counts(scope=scope, now=NOW)["overdue"] == len(ids("overdue", office.receptionist))


def test_a_searched_queue_reads_its_count_with_the_page_asked_for(office, django_assert_num_queries):
    """A search reads every candidate to test it: the count comes with the page's ids in one statement
    (QueueRows `page`), page by page the queue's own order; past the end, a plain count, then the last page."""
    for hours in range(-6, 7):
        at_step(office, 2, status=S.RECEIVED, step_due_at=NOW + dt.timedelta(hours=hours) if hours % 3 else None,
                due_at=NOW + dt.timedelta(hours=2 * hours), applicant_name=f"Trần Văn {hours}")  # fmt: skip
        make(office, check_due_at=NOW + dt.timedelta(hours=hours), applicant_name=f"Trần Thị {hours}")
    calendar_settled()
    scope = access_scope(office.receptionist)
    queue = QUEUES_BY_KEY["overdue"]
    queue_filter = DossierQueueFilter(
        {"q": "tran"}, queryset=queue_dossiers(queue=queue, scope=scope, now=NOW), scope=scope, deadline=queue.deadline
    )
    assert queue_filter.searched
    expected = list(queue_filter.qs.values_list("pk", flat=True))
    assert len(expected) > 8 and len(expected) % 5  # three pages or more, the last one short
    row_values(expected)  # the rows' statement prepared (PostgreSQL)
    last = -(-len(expected) // 5)
    # Through the ORM, and by the statement compiled once for the words alone (searched_ids: PostgreSQL;
    # past the last page it finds nothing and the ORM's reading follows).
    compiled = partial(searched_ids, scope=scope, queue=queue, now=NOW, query="tran", build=queue_filter.searched_for)
    past_end = 4 + (connection.vendor == "postgresql")
    for search in (None, compiled):
        for asked, number, statements in (("1", 1, 2), ("2", 2, 2), (str(last), last, 2), ("x", 1, 2), ("99", last, 4)):
            rows = as_rows(queue_filter.qs, page=(asked, 5), search=search)  # as the queue view reads a search
            with django_assert_num_queries(past_end if search and asked == "99" else statements):
                page = Paginator(rows, 5).get_page(asked)  # the ids with the count, then the rows by id
                got = [row["id"] for row in page.object_list]
            assert (page.number, page.paginator.count) == (number, len(expected)), asked
            assert got == expected[(number - 1) * 5 : number * 5], asked


def test_a_text_search_alone_is_compiled_once_for_any_words(office):
    """Words alone, in the queue's order (DossierQueueFilter.text_search): the searched statement is
    compiled once per scope, queue and page and takes the words and the request's times as parameters
    (queue_reads.searched_ids); it finds what the ORM's reading finds, whatever the words — accents,
    capitals, a LIKE wildcard — and nothing for words found nowhere."""
    names = ["Trần Văn An", "Trần Thị Bình", "Lê Thị 50%_x", "Nguyễn Văn Tuấn"]
    for n, name in enumerate(names):
        make(office, check_due_at=NOW - dt.timedelta(hours=n + 1), applicant_name=name)
    make(office, check_due_at=NOW - dt.timedelta(hours=9), applicant_name="Lê Thị 50ax")  # "_" is no wildcard
    calendar_settled()
    scope = access_scope(office.receptionist)
    queue = QUEUES_BY_KEY["overdue"]

    def search(data: dict) -> DossierQueueFilter:
        dossiers = queue_dossiers(queue=queue, scope=scope, now=NOW)
        return DossierQueueFilter(data, queryset=dossiers, scope=scope, deadline=queue.deadline, oversight=True)

    assert search({"q": " Trần  Văn "}).text_search == "Trần  Văn"
    for data in ({"q": "0912"}, {"q": "tran", "status": S.SUBMITTED}, {"q": "tran", "sort": "code"}, {"q": " "}):
        assert search(data).text_search == "", data  # digits, another filter, another order, no words
    searched_statements = queue_reads._SEARCH_STATEMENTS
    searched_statements.clear()
    for words, found in (("tran van an", 1), ("TRẦN", 2), ("50%_x", 1), ("lê thị 50", 2), ("không có ai", 0)):
        queue_filter = search({"q": words})
        expected = list(queue_filter.qs.values_list("pk", flat=True))
        assert len(expected) == found, words
        answer = searched_ids(
            scope=scope, queue=queue, now=NOW, query=queue_filter.text_search, window=(0, 25),
            build=queue_filter.searched_for,
        )  # fmt: skip
        if connection.vendor == "postgresql":
            assert answer == (expected, found), words
        else:  # SQLite: the ORM reads it (its compiled times are strings)
            assert answer is None
    assert len(searched_statements) == (connection.vendor == "postgresql")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: prepared statements")
def test_the_counts_are_prepared_once_per_connection_and_survive_a_new_one(office, settings):
    """The counts statement is prepared on first use (onestop.prepared), then only
    executed; a new database session prepares it again; DB_PREPARED_STATEMENTS=false runs it as is."""
    make(office, check_due_at=NOW - dt.timedelta(hours=1))
    calendar_settled()
    scope = access_scope(office.receptionist)
    expected = {key: len(ids(key, office.receptionist)) for key in queue_counts(scope=scope, now=NOW)}
    with connection.cursor() as cursor:  # as a new session: nothing prepared (earlier tests share it)
        cursor.execute("DEALLOCATE ALL")
    connection.dvc_prepared = None
    with CaptureQueriesContext(connection) as first:
        assert queue_counts(scope=scope, now=NOW) == expected
    with CaptureQueriesContext(connection) as second:
        assert queue_counts(scope=scope, now=NOW + dt.timedelta(minutes=1)) == expected
    assert [q["sql"].split(" ")[0] for q in first.captured_queries] == ["SELECT", "PREPARE", "EXECUTE"]
    assert [q["sql"].split(" ")[0] for q in second.captured_queries] == ["EXECUTE"]
    # What a new session holds is read again (the registry is per connection).
    connection.dvc_prepared = None
    with CaptureQueriesContext(connection) as third:
        assert queue_counts(scope=scope, now=NOW) == expected
    assert [q["sql"].split(" ")[0] for q in third.captured_queries] == ["SELECT", "EXECUTE"]
    settings.DB_PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as plain:
        assert queue_counts(scope=scope, now=NOW) == expected
    assert [q["sql"].split(" ")[0] for q in plain.captured_queries] == ["SELECT"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: prepared statements")
def test_a_queue_that_reads_no_time_has_its_first_ids_prepared_too(office):
    """The inbox's first ids read no time (no slot to set): compiled once per scope all the same, they
    are prepared and then only executed (planning them was most of their 0.7 ms at 1M dossiers)."""
    from onestop.backoffice.queue_reads import first_ids

    first, second = make(office, check_due_at=NOW + dt.timedelta(hours=1)), make(office, check_due_at=NOW)
    scope = access_scope(office.receptionist)
    calendar_settled()  # the request's moments read the working calendar once
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    connection.dvc_prepared = None
    inbox = QUEUES_BY_KEY["inbox"]
    with CaptureQueriesContext(connection) as prepared_once:
        assert first_ids(scope=scope, queue=inbox, now=NOW, limit=25) == [second.pk, first.pk]
    with CaptureQueriesContext(connection) as executed:
        assert first_ids(scope=scope, queue=inbox, now=NOW, limit=25) == [second.pk, first.pk]
    kinds = [q["sql"].split(" ")[0] for q in prepared_once.captured_queries]
    assert kinds.count("PREPARE") == 1 and kinds[-1] == "EXECUTE", kinds  # after compiling, once
    assert [q["sql"].split(" ")[0] for q in executed.captured_queries] == ["EXECUTE"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: prepared statements")
def test_the_rows_by_id_are_prepared_once_per_session(office, settings):
    """The queue rows' fixed statement (`row_values`, `id = ANY(…)`) is prepared on first use with its
    array parameter, then executed; with DB_PREPARED_STATEMENTS=false it runs as it is."""
    from onestop.backoffice.queue_reads import row_values

    one, two = make(office), make(office)
    row_values([one.pk])  # compiled once per process
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    connection.dvc_prepared = None
    with CaptureQueriesContext(connection) as first:
        assert set(row_values([one.pk, two.pk])) == {one.pk, two.pk}
    with CaptureQueriesContext(connection) as second:
        assert row_values([two.pk])[two.pk]["code"] == two.code
    assert [q["sql"].split(" ")[0] for q in first.captured_queries] == ["SELECT", "PREPARE", "EXECUTE"]
    assert [q["sql"].split(" ")[0] for q in second.captured_queries] == ["EXECUTE"]
    settings.DB_PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as plain:
        assert row_values([one.pk])[one.pk]["code"] == one.code
    assert [q["sql"].split(" ")[0] for q in plain.captured_queries] == ["SELECT"]


def test_staff_scope_is_one_query(office, django_assert_num_queries):
    StaffRoleFactory(user=office.approver, agency=Agency.objects.get(code="000.20.09.H12"), role=Role.SPECIALIST)
    access_scope(office.citizen)  # PostgreSQL: the roles' statement is prepared once per database session
    with django_assert_num_queries(1):
        scope = access_scope(office.approver)
    assert len(scope.agency_ids) == 2 and scope.where(Role.APPROVER) == [office.agency.pk]


# --------------------------------------------------------------------------------- filters


def _filtered(office, user, key, **params):
    queue = QUEUES_BY_KEY[key]
    scope = access_scope(user)
    queryset = queue_dossiers(queue=queue, scope=scope, now=NOW)
    return list(DossierQueueFilter(params, queryset=queryset, scope=scope, deadline=queue.deadline).qs)


def test_search_by_code_name_phone_id_and_procedure(office):
    an = make(office, applicant_name="Nguyễn Văn An", applicant_phone="0912345678", code="000.20.01.H12-260311-0901")
    binh = make(
        office, applicant_name="Trần Thị Bình", applicant_phone="0987654321", applicant_id_number="074195005678"
    )
    user = office.receptionist
    assert _filtered(office, user, "inbox", q="260311-0901") == [an]
    assert _filtered(office, user, "inbox", q="thị bình") == [binh]
    assert _filtered(office, user, "inbox", q="0987 654") == [binh]
    assert _filtered(office, user, "inbox", q="+84987654321") == [binh]
    assert _filtered(office, user, "inbox", q="074195") == [binh]
    assert len(_filtered(office, user, "inbox", q="kết hôn")) == 2  # the procedure's name
    assert len(_filtered(office, user, "inbox", q="1.001193")) == 2
    assert _filtered(office, user, "inbox", q="không có ai") == []


def test_filters_by_procedure_status_channel_agency_and_dates(office):
    late = NOW - dt.timedelta(days=10)
    old = make(office, submitted_at=late, status=S.SUBMITTED, check_due_at=NOW - dt.timedelta(days=9))
    new = make(office, submitted_at=NOW - dt.timedelta(hours=1), check_due_at=NOW - dt.timedelta(minutes=5))
    user = office.receptionist
    day = late.astimezone(HCM).date().isoformat()
    assert _filtered(office, user, "overdue", submitted_from=day, submitted_to=day) == [old]
    assert _filtered(office, user, "overdue", submitted_from=NOW.date().isoformat()) == [new]
    assert len(_filtered(office, user, "overdue", procedure="1.001193", status="submitted", channel="2")) == 2
    assert _filtered(office, user, "overdue", channel="1") == []
    assert len(_filtered(office, user, "overdue", agency=str(office.agency.pk))) == 2
    # A bad date is ignored (shown as an error on the page), not a crash.
    assert len(_filtered(office, user, "overdue", submitted_from="31/02/2026")) == 2


def test_sorting(office):
    a = make(office, applicant_name="Bùi An", check_due_at=NOW + dt.timedelta(hours=2))
    b = make(office, applicant_name="An Bình", check_due_at=NOW + dt.timedelta(hours=1))
    c = make(office, applicant_name="Cao Cường", check_due_at=None)
    user = office.receptionist
    assert _filtered(office, user, "inbox") == [b, a, c]  # deadline first, none last
    assert _filtered(office, user, "inbox", sort="-deadline") == [a, b, c]
    assert _filtered(office, user, "inbox", sort="applicant") == [b, a, c]
    assert _filtered(office, user, "inbox", sort="code") == sorted([a, b, c], key=lambda d: d.code)
    assert _filtered(office, user, "inbox", sort="nonsense") == [b, a, c]


def test_the_step_role_lookup_reads_the_snapshot(office):
    """The JSON expression behind "waiting for approval", on this database's JSON functions."""
    from onestop.backoffice.queues import CurrentStepRole

    for step, role in ((1, "receptionist"), (2, "specialist"), (3, "approver")):
        dossier = at_step(office, step)
        assert Dossier.objects.annotate(role=CurrentStepRole()).get(pk=dossier.pk).role == role
    assert Dossier.objects.annotate(role=CurrentStepRole()).get(pk=make(office).pk).role is None
    assert connection.vendor in ("sqlite", "postgresql")


def test_queue_rows_need_one_query(office):
    for step in (1, 2, 3):
        at_step(office, step, assignee=office.approver)
    with CaptureQueriesContext(connection) as ctx:
        rows = list(queue_dossiers(queue=QUEUES_BY_KEY["mine"], scope=access_scope(office.approver), now=NOW))
        [(r.procedure.name, r.agency.name, r.step_agency.name, r.assignee.full_name) for r in rows]
    assert len(rows) == 3 and len(ctx.captured_queries) == 2  # the scope, the rows


def test_dossiers_waiting_for_payment_have_their_queue(office):
    """Found in the Chromium walk: the three dossiers waiting for payment were only found by filters."""
    from onestop import workflow

    dossier = workflow.dossier_receive(dossier=office.submitted(), actor=office.receptionist)
    dossier = workflow.dossier_forward(dossier=dossier, actor=office.receptionist)
    Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.AWAITING_PAYMENT)
    assert ids("awaiting_payment", office.receptionist) == {dossier.pk}
    assert ids("awaiting_payment", office.specialist) == {dossier.pk}
    assert not ids("awaiting_payment", office.approver) and not ids("awaiting_payment", office.outsider)


def test_search_ignores_diacritics_and_case(office):
    """Issue #15: "nguyen van an" finds what "Nguyễn Văn An" finds, "dang ky ket hon" the procedure's dossiers."""
    an = make(office, applicant_name="Nguyễn Văn An")
    firm = make(office, applicant_name="Trần Thị Bình", organisation_name="Công ty TNHH Đặng Gia")
    other = make(office, applicant_name="Lê Văn Anh Đào")
    user = office.receptionist
    for typed in ("Nguyễn Văn An", "nguyen van an", "NGUYEN VAN AN", "nguyễn văn an", "  Nguyen  Van An "):
        assert _filtered(office, user, "inbox", q=typed) == [an], typed
    assert _filtered(office, user, "inbox", q="dang gia") == [firm]  # đ → d, in the organisation
    assert _filtered(office, user, "inbox", q="anh dao") == [other]
    everyone = {an, firm, other}
    # The procedure's name ("Đăng ký kết hôn"), typed without its marks.
    assert set(_filtered(office, user, "inbox", q="dang ky ket hon")) == everyone
    assert set(_filtered(office, user, "inbox", q="Đăng ký kết hôn")) == everyone
    assert _filtered(office, user, "inbox", q="dang ky khai sinh") == []
    # The code, in any case.
    assert _filtered(office, user, "inbox", q=an.code.lower()) == [an]


def test_search_follows_a_renamed_applicant(office):
    dossier = make(office, applicant_name="Phạm Thu Hà")
    dossier.applicant_name = "Võ Thu Hằng"
    dossier.save(update_fields=["applicant_name"])
    assert _filtered(office, office.receptionist, "inbox", q="vo thu hang") == [dossier]
    assert _filtered(office, office.receptionist, "inbox", q="pham thu") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: index check (CI runs on PostgreSQL)")
def test_postgres_search_tests_the_queues_own_candidates(office):
    """The phrase is looked for (strpos) in the rows of the queue's own candidates, read from the queue's
    indexes — not by ANDing the dossiers' trigram index of the whole table, which for a common name holds
    71,000 entries at 1M dossiers (docs/performance.md, issue #17). The procedure side reads the
    catalogue's own trigram index."""
    from onestop.search import filter_dossiers

    dossier = make(office, applicant_name="Nguyễn  Văn An")
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_doc FROM onestop_dossier")
        assert [row[0] for row in cursor.fetchall()] == [f"{dossier.code.lower()} nguyen van an "]
    queue = QUEUES_BY_KEY["overdue"]
    dossiers = queue_dossiers(queue=queue, scope=access_scope(office.receptionist), now=NOW)
    sql, params = filter_dossiers(dossiers, "nguyen van an").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "dossier_search_trgm" not in plan and "strpos(search_doc" in plan, plan
    assert "procedure_search_trgm" in plan, plan


def _terms(condition) -> list[tuple]:
    """Every (lookup, value) of a Q, with its negation: (lookup, value, negated)."""
    out = []
    for child in condition.children:
        if isinstance(child, tuple):
            out.append((*child, condition.negated))
        else:
            out.extend((lookup, value, negated or condition.negated) for lookup, value, negated in _terms(child))
    return out


def test_the_appointment_branches_name_their_partial_indexes_statuses(office):
    """A searched or filtered deadline queue is read as bitmaps of its branches. Each appointment branch
    names the statuses of its partial index (dossier_running_desk_appt, dossier_running_unit_appt), less
    the paused supplement request: the index then serves the branch alone. Written as the three running
    statuses, PostgreSQL proved them by ANDing the whole (status, step_due_at) index, 18,000 entries at
    1M dossiers (the desk's overdue search 3.9 → 1.6 ms of SQL, docs/performance.md, eighth pass). The
    paused dossier stays out of the queues."""
    indexes = {index.name: index for index in Dossier._meta.indexes}
    [(lookup, statuses, _negated)] = _terms(indexes["dossier_running_desk_appt"].condition)
    assert _terms(indexes["dossier_running_unit_appt"].condition) == [(lookup, statuses, False)]
    scope = access_scope(office.receptionist)
    for key in ("overdue", "due_soon"):
        appointments = 0
        for branch in branches(QUEUES_BY_KEY[key].condition(scope, NOW)):
            terms = _terms(branch)
            deadline = next(t[0] for t in terms if t[0].split("__")[0] in ("due_at", "step_due_at", "check_due_at"))
            if deadline.startswith("due_at__"):  # a branch of the appointment (desk, or unit of the step)
                appointments += 1
                assert [(list(t[1]), t[2]) for t in terms if t[0] == lookup] == [(list(statuses), False)], terms
                assert ("status", S.SUPPLEMENT_REQUESTED, True) in terms, terms
        assert appointments == 2, key
    late = make(office, status=S.PROCESSING, due_at=NOW - dt.timedelta(days=1))
    paused = make(office, status=S.SUPPLEMENT_REQUESTED, due_at=NOW - dt.timedelta(days=1))
    overdue = set(queue_dossiers(queue=QUEUES_BY_KEY["overdue"], scope=scope, now=NOW).values_list("pk", flat=True))
    assert late.pk in overdue and paused.pk not in overdue


def test_a_queue_filtered_by_choices_is_compiled_once_per_scope_and_choices(office, client):
    """Filters chosen from lists (DossierQueueFilter.choices: an agency, a status, an order…) read the
    count and each page by statements compiled once per scope, queue and choices, the request's times
    their only parameters (queue_reads.ChoiceReads, PostgreSQL): the same dossiers, in the same order,
    as the ORM's reading, a minute apart too; SQLite reads through the ORM. Words or dates are not
    choices; an agency is keyed by the agencies it stands for (those below it, for a leader)."""
    for hours in range(-6, 7):
        at_step(office, 2, status=S.PROCESSING if hours % 2 else S.RECEIVED, due_at=NOW + dt.timedelta(hours=hours),
                step_due_at=NOW + dt.timedelta(hours=hours - 1), applicant_name=f"Trần Văn {hours}")  # fmt: skip
        make(office, check_due_at=NOW + dt.timedelta(hours=hours), applicant_name=f"Lê Thị {hours}")
    calendar_settled()
    scope = access_scope(office.receptionist)
    queue = QUEUES_BY_KEY["overdue"]

    def filtered(data: dict, now=NOW) -> DossierQueueFilter:
        dossiers = queue_dossiers(queue=queue, scope=scope, now=now)
        return DossierQueueFilter(data, queryset=dossiers, scope=scope, deadline=queue.deadline, oversight=True)

    agency = str(office.agency.pk)
    assert filtered({"q": "tran"}).choices is None and filtered({"submitted_from": "2026-03-01"}).choices is None
    assert filtered({"status": "xyz"}).choices is None  # not valid: the ORM reads it and says what is wrong
    assert filtered({"agency": agency, "status": "", "sort": "code"}).choices == (("agency", agency), ("sort", "code"))
    queue_reads._CHOICE_STATEMENTS.clear()
    for data in (
        {"agency": agency},
        {"status": S.PROCESSING},
        {"sort": "code"},
        {"agency": agency, "sort": "-deadline"},
    ):
        compiled = []
        for now in (NOW, NOW - dt.timedelta(minutes=1)):  # no deadline between the two
            queue_filter = filtered(data, now)
            expected = list(queue_filter.qs.values_list("pk", flat=True))
            assert len(expected) >= 3, data
            chosen = queue_reads.ChoiceReads(
                key=(queue_reads.scope_key(scope), queue.key, queue_filter.choices), now=now, deadline=queue.deadline,
                build=lambda f=queue_filter, n=now: (f.qs, f.parts(queue_parts(queue=queue, scope=scope, now=n))),
            )  # fmt: skip
            if connection.vendor != "postgresql":
                assert chosen.count() is None and chosen.ids(0, 3) is None
                continue
            assert chosen.count() == len(expected), data
            assert chosen.ids(0, 3) + chosen.ids(3, 40) == expected, data
            rows = as_rows(queue_filter.qs, deadline=queue.deadline, chosen=chosen)
            page = Paginator(rows, 3).get_page("2")  # the second page, or the last
            assert [row["id"] for row in page.object_list] == expected[(page.number - 1) * 3 : page.number * 3], data
            compiled.append(len(queue_reads._CHOICE_STATEMENTS))
        if connection.vendor == "postgresql":  # a minute apart: the same statements, none compiled again
            assert compiled[0] == compiled[1] > 0, data
    from django.urls import reverse

    queue_reads._CHOICE_STATEMENTS.clear()
    # The queue page reads an agency's overdue dossiers so (no deadline lies between NOW and today).
    client.force_login(office.receptionist)
    expected = set(filtered({"agency": agency}, timezone.now()).qs.values_list("pk", flat=True))
    response = client.get(reverse("onestop:queue", args=[queue.slug]), {"agency": agency})
    assert response.context["page"].paginator.count == len(expected) > 0
    assert {row["pk"] for row in response.context["rows"]} <= expected
    assert bool(queue_reads._CHOICE_STATEMENTS) == (connection.vendor == "postgresql")


def test_a_queue_page_read_by_a_compiled_statement_builds_no_queryset(client, office, monkeypatch):
    """The queue's QuerySet is built only where the page is read through the ORM (DossierQueueFilter
    takes a function that builds it): on PostgreSQL an unfiltered queue and a search by words alone
    are read by statements compiled once; once compiled, a page builds none. The order asked for
    decides which way (in_queue_order), as the QuerySet's order did."""
    for n in range(3):
        make(office, check_due_at=timezone.now() - dt.timedelta(hours=n + 1), applicant_name=f"Trần Văn {n}")
    built = []
    real = queue_dossiers

    def counted(**kwargs):
        built.append(kwargs["queue"].key)
        return real(**kwargs)

    monkeypatch.setattr("onestop.backoffice.views.queue_dossiers", counted)
    client.force_login(office.receptionist)
    url = reverse("onestop:queue", args=[QUEUES_BY_KEY["overdue"].slug])
    for data in ({}, {"q": "trần"}):
        client.get(url, data)  # compiles (PostgreSQL)
        built.clear()
        response = client.get(url, data)
        assert [row["code"] for row in response.context["rows"]], data
        # SQLite reads a search through the ORM (an unfiltered queue's first ids build their own QuerySet).
        assert len(built) == (1 if data and connection.vendor != "postgresql" else 0), data
    scope = access_scope(office.receptionist)

    def in_order(data) -> bool:
        queue_filter = DossierQueueFilter(
            data, queryset=partial(real, queue=QUEUES_BY_KEY["overdue"], scope=scope), scope=scope, deadline="due_at"
        )
        assert queue_filter.in_queue_order == (queue_filter.qs.query.order_by == queue_order(QUEUES_BY_KEY["overdue"]))
        return queue_filter.in_queue_order

    assert in_order(None) and in_order({"sort": "deadline"}) and in_order({"sort": "bogus"})
    assert in_order({"q": "trần", "submitted_from": "not a date"})
    assert not in_order({"sort": "code"}) and not in_order({"sort": "-deadline"})
    assert not in_order({"sort": "code", "submitted_from": "not a date"})
