"""A visit of 市场监管's drawn task whose two team members log in (``officers``), approved
before the visit (``approved``), and valid result data for the service and for the form."""

import datetime as dt

import pytest

from spotcheck.draws.models import Visit
from spotcheck.inspections import services as inspections_services
from spotcheck.results.content import item_prefix
from tests.factories import MembershipFactory, UserFactory
from tests.fixtures.visits import link_inspector

TODAY = dt.date(2026, 2, 16)  # the spring_2026 clock


@pytest.fixture
def visit(scjg_task):
    return (
        Visit.objects.filter(task=scjg_task)
        .select_related("task__lead_department", "inspection_object")
        .order_by("pk")
        .first()
    )


@pytest.fixture
def officers(visit, scjg, scjg_inspector):
    """The two members of the visit's team as users: the ``scjg_inspector`` persona (主检) and
    a second inspector of 市场监管 (协检)."""
    first, second = [m.inspector for m in visit.members.select_related("inspector").order_by("position")]
    other = UserFactory(username="second_officer", full_name="市场 第二检查员")
    MembershipFactory(user=other, department=scjg, role="inspector")
    return link_inspector(scjg_inspector, first).user, link_inspector(other, second).user


@pytest.fixture
def approved(visit, scjg_approver):
    inspections_services.visits_approve(actor=scjg_approver, task=visit.task, visits=[visit])
    return visit


def questions(visit):
    version = visit.task.items.get()
    return version, list(version.questions.order_by("position", "pk"))


def result_data(visit, *, codes=("1",), method="1", answer="conforms", **item_overrides):
    """Valid data for ``result_save``: the one item checked on site, no problem found."""
    version, qs = questions(visit)
    item = {
        "checked": True,
        "method": method,
        "adopted_from": "",
        "codes": list(codes),
        "answers": {str(q.pk): {"answer": answer, "note": ""} for q in qs},
        "note": "现场检查情况良好",
        "checked_on": "",
    } | item_overrides
    return {"outcome": "carried_out", "completed_on": TODAY.isoformat(), "items": {str(version.pk): item}}


def form_post(visit, *, base_revision="", client_id="", codes=("1",), method="1", **extra):
    """The form's fields, as the browser would send them."""
    version, qs = questions(visit)
    p = item_prefix(version.pk)
    data = {
        "base_revision": base_revision,
        "client_id": client_id,
        "outcome": "carried_out",
        "completed_on": TODAY.isoformat(),
        f"{p}-checked": "yes",
        f"{p}-method": method,
        f"{p}-adopted_from": "",
        f"{p}-codes": list(codes),
        f"{p}-note": "现场检查情况良好",
        f"{p}-checked_on": "",
    }
    for q in qs:
        data[f"{p}-q{q.pk}"] = "conforms"
        data[f"{p}-q{q.pk}-note"] = ""
    data.update(extra)
    return data
