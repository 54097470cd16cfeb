"""Every status × every action × every kind of actor, against a table written out here.

The guards live once, in onestop.workflow.registry; the dossier page lists what they allow and the
action functions raise on them. This test states, independently, who may do what where: widening
any guard (a status, a role, a place, a step's allowed actions) adds a combination that is not in
EXPECTED and fails; narrowing one fails too.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from onestop.access import AccessScope
from onestop.models import Dossier, DossierChannel, Role
from onestop.models import DossierStatus as S
from onestop.workflow import ACTIONS
from onestop.workflow.guards import Who, refusal
from procedures.models import Agency

pytestmark = pytest.mark.django_db

# The process of the test procedure: desk A, a specialist and the head at A, then (inter-agency)
# a specialist and the head at C, and the desk A returns the result.
PROCESS = [
    ("A", Role.RECEPTIONIST, ["forward", "request_supplement"]),
    ("A", Role.SPECIALIST, ["forward", "send_back", "request_supplement", "request_payment"]),
    ("A", Role.APPROVER, ["resolve", "send_back", "transfer"]),
    ("C", Role.SPECIALIST, []),
    ("C", Role.APPROVER, ["resolve"]),
    ("A", Role.RECEPTIONIST, ["return_result", "request_payment"]),
]
# (status, current step) shapes a dossier of that process can have.
SHAPES = [
    (S.DRAFT, None),
    (S.SUBMITTED, None),
    (S.RECEIVED, 1),
    (S.PROCESSING, 2),
    (S.PROCESSING, 3),
    (S.SUPPLEMENT_REQUESTED, 2),
    (S.AWAITING_PAYMENT, 2),
    (S.RESOLVED, 6),
    (S.REJECTED, None),
    (S.WITHDRAWN, None),
    (S.STOPPED, 2),
    (S.RETURNED, 6),
]
STAFF_ROLES = [Role.RECEPTIONIST, Role.SPECIALIST, Role.APPROVER, Role.POSTAL_CLERK, Role.LEADER, Role.AGENCY_ADMIN]
# A = the dossier's receiving agency (and its units here); B = an agency with nothing to do with it.
ACTORS = ["owner", "citizen", "system"] + [f"{role}@{where}" for role in STAFF_ROLES for where in "AB"]

R, SP, AP, PC = "receptionist@A", "specialist@A", "approver@A", "postal_clerk@A"
IN_HAND = [(S.RECEIVED, 1), (S.PROCESSING, 2), (S.PROCESSING, 3)]
UNTIL_PAYMENT = [(S.SUBMITTED, None), *IN_HAND, (S.SUPPLEMENT_REQUESTED, 2), (S.AWAITING_PAYMENT, 2)]

EXPECTED: dict[str, set[tuple[str, int | None, str]]] = {
    "submit": {(S.DRAFT, None, "owner")},
    "withdraw": {(*shape, "owner") for shape in UNTIL_PAYMENT},
    "supplement": {(S.SUPPLEMENT_REQUESTED, 2, "owner"), (S.SUPPLEMENT_REQUESTED, 2, R)},
    "register": set(),  # an online dossier is never registered on paper (see test_register_guard)
    "receive": {(S.SUBMITTED, None, R)},
    "refuse": {(S.SUBMITTED, None, R)},
    "request_supplement": {(S.SUBMITTED, None, R), (S.RECEIVED, 1, R), (S.PROCESSING, 2, SP)},
    "forward": {(S.RECEIVED, 1, R), (S.PROCESSING, 2, SP)},  # step 3 does not list forward
    "assign": {(*shape, who) for shape in IN_HAND for who in (AP, R)},
    "send_back": {(S.PROCESSING, 2, SP), (S.PROCESSING, 3, AP)},
    "transfer": {(S.PROCESSING, 3, AP)},
    "extend": {(*shape, AP) for shape in IN_HAND},
    "request_payment": {(S.PROCESSING, 2, SP), (S.RESOLVED, 6, R)},
    "confirm_payment": {(S.AWAITING_PAYMENT, 2, "system"), (S.AWAITING_PAYMENT, 2, R)},
    "resolve": {(S.PROCESSING, 3, AP)},
    "stop": {(*shape, AP) for shape in IN_HAND},
    # The result goes by post here: the postal clerk, or the post's system (operator API).
    "return_result": {(S.RESOLVED, 6, R), (S.RESOLVED, 6, PC), (S.RESOLVED, 6, "system")},
}
# A procedure paid at submission (Procedure.pay_at_submission in the snapshot): the system also asks
# for the payment of a just-submitted dossier; nothing else changes.
EXPECTED_PAID_AT_SUBMISSION = {
    **EXPECTED,
    "request_payment": EXPECTED["request_payment"] | {(S.SUBMITTED, None, "system")},
}


@pytest.fixture
def world(db):
    agencies = {
        key: Agency.objects.create(code=f"000.00.{n}.G01", name=f"Cơ quan {key}") for n, key in enumerate("ABC", 10)
    }
    owner = type("U", (), {"pk": 10_001, "is_authenticated": True})()
    citizen = type("U", (), {"pk": 10_002, "is_authenticated": True})()
    who = {"owner": Who(user=owner, scope=AccessScope(user=owner)), "system": Who(system=True)}
    who["citizen"] = Who(user=citizen, scope=AccessScope(user=citizen))
    for n, (role, where) in enumerate(itertools.product(STAFF_ROLES, "AB")):
        user = type("U", (), {"pk": 20_000 + n, "is_authenticated": True})()
        scope = AccessScope(user=user, roles={role: frozenset({agencies[where].pk})}, agencies={})
        who[f"{role}@{where}"] = Who(user=user, scope=scope)
    process = [
        {"order": i, "name": f"Bước {i}", "agency": agencies[a].code, "role": role, "hours": "8", "actions": actions}
        for i, (a, role, actions) in enumerate(PROCESS, start=1)
    ]
    return agencies, who, owner, process


def _dossier(world, status, step) -> Dossier:
    agencies, _who, owner, process = world
    unit = agencies[PROCESS[step - 1][0]] if step else None
    return Dossier(
        pk=1,
        status=status,
        agency=agencies["A"],
        step_agency=unit,
        current_step=step,
        applicant_id=owner.pk,
        channel=DossierChannel.ONLINE,
        delivery_method="post",
        snapshot={"process": process, "times": []},
        due_at=timezone.now() + dt.timedelta(days=20),
        extensions=0,
    )


@pytest.mark.parametrize(
    ("paid_at_submission", "expected"), [(False, EXPECTED), (True, EXPECTED_PAID_AT_SUBMISSION)], ids=["", "paid"]
)
def test_every_status_action_and_actor_matches_the_table(world, paid_at_submission, expected):
    _agencies, who, _owner, _process = world
    allowed = {action: set() for action in ACTIONS}
    for (status, step), action, actor in itertools.product(SHAPES, ACTIONS, ACTORS):
        dossier = _dossier(world, status, step)
        dossier.snapshot["pay_at_submission"] = paid_at_submission
        if refusal(ACTIONS[action].guard, dossier, who[actor]) is None:
            allowed[action].add((status, step, actor))
    assert set(expected) == set(ACTIONS), "every action of the registry has its row here"
    for action in ACTIONS:
        assert allowed[action] == expected[action], action


def test_a_step_lists_its_actions_or_allows_all_of_its_role(world):
    """ProcessStep.actions restricts the step's holder; an empty list allows every action of the role."""
    _agencies, who, _owner, _process = world
    at_c = _dossier(world, S.PROCESSING, 4)  # specialist at C, no list
    assert refusal(ACTIONS["forward"].guard, at_c, who[SP]) is not None  # the step is at C, not A
    scope = AccessScope(user=who[SP].user, roles={Role.SPECIALIST: frozenset({at_c.step_agency.pk})})
    holder = Who(user=who[SP].user, scope=scope)
    for action in ("forward", "send_back", "request_supplement", "request_payment"):
        assert refusal(ACTIONS[action].guard, at_c, holder) is None, action
    at_c.snapshot["process"][3]["actions"] = ["forward"]
    assert refusal(ACTIONS["send_back"].guard, at_c, holder) is not None
    assert refusal(ACTIONS["forward"].guard, at_c, holder) is None


def test_register_guard(world):
    """A paper dossier: the desk registers at the counter, the postal clerk what came by post."""
    agencies, who, _owner, _process = world
    counter = Dossier(status=S.DRAFT, agency=agencies["A"], channel=DossierChannel.COUNTER)
    post = Dossier(status=S.DRAFT, agency=agencies["A"], channel=DossierChannel.POST)
    guard = ACTIONS["register"].guard
    assert {a for a in ACTORS if refusal(guard, counter, who[a]) is None} == {R}
    assert {a for a in ACTORS if refusal(guard, post, who[a]) is None} == {PC}


def test_the_rules_of_an_action_refuse_with_a_reason(world):
    _agencies, who, _owner, _process = world
    late = _dossier(world, S.PROCESSING, 3)
    late.due_at = timezone.now() + dt.timedelta(hours=2)
    assert "một ngày làm việc" in refusal(ACTIONS["extend"].guard, late, who[AP])
    extended = _dossier(world, S.PROCESSING, 3)
    extended.extensions = 1
    assert "một lần" in refusal(ACTIONS["extend"].guard, extended, who[AP])
    first = _dossier(world, S.RECEIVED, 1)
    assert refusal(ACTIONS["send_back"].guard, first, who[R]) is not None
    # The head at C may resolve, and nothing later lies at another agency: no transfer.
    last_approval = _dossier(world, S.PROCESSING, 5)
    last_approval.snapshot["process"] = last_approval.snapshot["process"][:5]
    last_approval.snapshot["process"][4]["actions"] = []
    head_of_c = Who(
        user=who[AP].user,
        scope=AccessScope(user=who[AP].user, roles={Role.APPROVER: frozenset({last_approval.step_agency.pk})}),
    )
    assert refusal(ACTIONS["resolve"].guard, last_approval, head_of_c) is None
    assert refusal(ACTIONS["transfer"].guard, last_approval, head_of_c) is not None
