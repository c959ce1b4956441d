"""Which tasks a witness-only user reads (issue 11, item 4): a witness is often an outsider, it
reads the tasks waiting for its input in which it may enter it — announced tasks led or joined
by a department where it is a witness — and those it entered its input for. Real HTTP."""

import pytest
from django.urls import reverse

from spotcheck.draws import services
from tests.factories import MembershipFactory, UserFactory
from tests.factories.draws import later_window

pytestmark = pytest.mark.django_db


@pytest.fixture
def wsjk_witness(wsjk):
    user = UserFactory(username="wsjk_witness", full_name="卫健见证人 周见证")
    MembershipFactory(user=user, department=wsjk, role="witness")
    return user


def _detail(client, task) -> int:
    return client.get(reverse("draws:detail", args=[task.pk])).status_code


def test_a_participants_witness_reads_the_joint_task_once_announced(login, scjg_admin, wsjk_witness, joint_task):
    client = login(wsjk_witness)
    assert _detail(client, joint_task) == 404, "a draft joint task is not public yet"
    assert client.get(f"/api/v1/tasks/{joint_task.pk}/").status_code == 404
    services.task_freeze(actor=scjg_admin, task=joint_task)
    assert _detail(client, joint_task) == 404, "nor a frozen one"
    services.task_announce(actor=scjg_admin, task=joint_task)
    assert _detail(client, joint_task) == 200
    assert client.post(reverse("draws:witness_add", args=[joint_task.pk]), {"value": "2-7-1"}).status_code == 302
    (row,) = joint_task.witness_inputs.all()
    assert (row.witness_user, row.department.code) == (wsjk_witness, "WSJK")
    assert [t["code"] for t in client.get("/api/v1/tasks/").json()["results"]] == [joint_task.code]


def test_another_departments_announced_task_is_not_the_witnesss(login, scjg_admin, wsjk_witness, make_task):
    task = make_task(**later_window(1))
    services.task_freeze(actor=scjg_admin, task=task)
    services.task_announce(actor=scjg_admin, task=task)
    client = login(wsjk_witness)
    assert _detail(client, task) == 404
    assert client.post(reverse("draws:witness_add", args=[task.pk]), {"value": "1"}).status_code == 404
    assert not task.witness_inputs.exists()


def test_a_task_whose_match_failed_no_longer_waits_for_the_witness(login, scjg_admin, witness, make_task, run_ceremony):
    """An announced task that failed its match takes no more input: it is not the witness's to
    read unless it entered its input. (Announced as before the freeze's match check, with a
    cap that cannot be met: the draw fails.)"""
    from django.core.exceptions import ValidationError

    task = run_ceremony(make_task(max_visits_per_inspector=1), draw=False, unchecked=True)
    client = login(witness)
    assert _detail(client, task) == 200
    with pytest.raises(ValidationError):
        services.task_draw(actor=scjg_admin, task=task)
    assert _detail(client, task) == 404
