"""Which copy of the draw record each reader takes away (issue 11, item 4). The full record
lists the exclusions, i.e. which inspector is recused from which object: only those who may
read recusals (the department's admin, the auditors) get it. Witnesses, the coordinator and
participating departments get the public copy. Both copies verify with verify_draw.py."""

import json

import pytest
from django.urls import reverse

from spotcheck.audit.models import AuditEntry
from spotcheck.draws import services
from spotcheck.drawspec import engine
from tests.factories import RecusalFactory

pytestmark = pytest.mark.usefixtures("scjg", "wsjk")


@pytest.fixture
def drawn(make_task, objects, scjg_inspectors, scjg_admin, witness, wsjk):
    """A drawn task of 市场监管 whose roster has a recusal (an exclusion pair in the record); the
    witness user entered its own input (a witness reads only the tasks it witnesses)."""
    RecusalFactory(inspector=scjg_inspectors[0], inspection_object=objects[0], created_by=scjg_admin)
    task = make_task()
    services.task_freeze(actor=scjg_admin, task=task)
    services.task_announce(actor=scjg_admin, task=task)
    services.witness_input_add(actor=witness, task=task, value="3-5-2")
    services.witness_input_add(
        actor=scjg_admin, task=task, value="6 1 4", witness_name="孙见证", witness_department=wsjk
    )
    services.task_draw(actor=scjg_admin, task=task)
    task = type(task).objects.get(pk=task.pk)
    assert task.frozen_pool.exclusion_pairs()
    return task


def _page(client, task):
    return client.get(reverse("draws:record", args=[task.pk]))


def _api(client, task):
    return client.get(f"/api/v1/tasks/{task.pk}/record/")


@pytest.mark.parametrize("persona", ["witness", "coordinator"])
def test_witness_and_coordinator_get_the_public_copy(request, login, persona, drawn):
    user = request.getfixturevalue(persona)
    client = login(user)
    response = _page(client, drawn)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-public.json"')
    record = json.loads(response.content)
    assert "exclusions" not in record
    assert engine.verify_record(record) == []
    api_record = _api(client, drawn).json()
    assert "exclusions" not in api_record and engine.verify_record(api_record) == []
    detail = client.get(f"/api/v1/tasks/{drawn.pk}/").json()
    assert detail["full_record"] is False
    body = client.get(reverse("draws:detail", args=[drawn.pk])).content.decode()
    assert "下载抽取记录公开版" in body
    entry = AuditEntry.objects.filter(action="draws.record.download", actor=user).latest("pk")
    assert entry.after["copy"] == "public"


@pytest.mark.parametrize("persona", ["scjg_admin", "auditor"])
def test_department_admin_and_auditor_get_the_full_record(request, login, persona, drawn):
    client = login(request.getfixturevalue(persona))
    record = json.loads(_page(client, drawn).content)
    assert record["exclusions"] and engine.verify_record(record) == []
    assert _api(client, drawn).json()["exclusions"] == record["exclusions"]


def test_participating_department_admin_gets_the_public_copy_of_a_joint_task(
    login, scjg_admin, wsjk_admin, joint_task, run_ceremony
):
    task = run_ceremony(joint_task)
    record = json.loads(_page(login(wsjk_admin), task).content)
    assert "exclusions" not in record and engine.verify_record(record) == []
    # The lead department's admin does not read 卫健's recusals: the public copy too.
    record = json.loads(_page(login(scjg_admin), task).content)
    assert "exclusions" not in record
