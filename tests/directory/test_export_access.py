"""Exports are for the roles that maintain the data (issue 11, item 4), each audited with what
was exported, the filters and the row count:

- the object directory: the coordinator (and system admin) the whole directory, a department
  admin the objects of their department (owned or supervised);
- the inspector roster (with phone numbers): a department admin, their department's inspectors;
- the item list: the coordinator all of it, a department admin their department's items.

Inspectors, approvers, auditors read but do not export (403); a witness gets a 404."""

import pytest

from spotcheck.audit.models import AuditEntry
from tests.factories import InspectionObjectFactory, InspectorFactory
from tests.fixtures.imports import download_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(scjg, wsjk, towns):
    return {
        "scjg": InspectionObjectFactory(owner_department=scjg, region=towns[0], name="市场监管的企业"),
        "wsjk": InspectionObjectFactory(owner_department=wsjk, region=towns[1], name="卫健的企业"),
    }


@pytest.fixture
def roster(scjg, wsjk):
    return {
        "scjg": InspectorFactory(department=scjg, name="市场检查员", phone="13900000001"),
        "wsjk": InspectorFactory(department=wsjk, name="卫健检查员", phone="13900000002"),
    }


def _export(client, kind, query="format=csv"):
    before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = download_export(client, kind, query)
    entries = list(AuditEntry.objects.filter(seq__gt=before, action=f"imports.{kind}.export"))
    return response, entries


def _rows(response) -> str:
    return response.content.decode("utf-8-sig")


@pytest.mark.parametrize("persona", ["scjg_inspector", "scjg_approver", "auditor"])
@pytest.mark.parametrize("kind", ["objects", "inspectors", "items"])
def test_readers_who_do_not_maintain_the_data_cannot_export(request, login, persona, kind, directory, roster):
    response, entries = _export(login(request.getfixturevalue(persona)), kind)
    assert response.status_code == 403
    assert entries == []


@pytest.mark.parametrize("kind", ["objects", "inspectors", "items"])
def test_witness_gets_404(login, witness, kind, directory, roster):
    response, entries = _export(login(witness), kind)
    assert response.status_code == 404 and entries == []


def test_coordinator_exports_the_whole_directory_audited(login, coordinator, directory):
    response, [entry] = _export(login(coordinator), "objects", "format=csv&include_retired=true")
    assert response.status_code == 200
    body = _rows(response)
    assert "市场监管的企业" in body and "卫健的企业" in body
    assert entry.after == {
        "job_id": entry.after["job_id"],
        "filters": {"include_retired": "true"},
        "rows": 2,
        "format": "csv",
    }
    assert entry.actor_id == coordinator.pk


def test_department_admin_exports_its_own_objects(login, scjg_admin, directory):
    response, [entry] = _export(login(scjg_admin), "objects")
    body = _rows(response)
    assert "市场监管的企业" in body and "卫健的企业" not in body
    assert entry.after["rows"] == 1


def test_inspector_roster_export_is_the_department_admins(login, scjg_admin, coordinator, roster):
    response, [entry] = _export(login(scjg_admin), "inspectors")
    body = _rows(response)
    assert "市场检查员" in body and "13900000001" in body and "卫健检查员" not in body
    assert entry.after["rows"] == 1
    # The coordinator sees every roster but not the phone numbers: no export.
    response, entries = _export(login(coordinator), "inspectors")
    assert response.status_code == 403 and entries == []
