"""The spreadsheet of a drawn task's visits and teams (issue 12, item 5): its content, who may
download it, and its audit entry."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from spotcheck.audit.actions import action_label
from spotcheck.audit.models import AuditEntry
from spotcheck.directory.models import InspectionObject
from spotcheck.draws import services
from spotcheck.draws.models import Task
from tests.factories import task_kwargs

pytestmark = pytest.mark.usefixtures("spring_2026", "scjg", "wsjk")


@pytest.fixture
def joint_task(scjg_admin, scjg, wsjk, food_item, health_item, objects, scjg_inspectors, wsjk_inspectors):
    """市场监管's joint task with 卫健 (a slot of each), not yet frozen."""
    slots = [*task_kwargs()["slots"], {"name": "卫健检查", "dept": "WSJK", "quals": []}]
    return services.task_create(
        actor=scjg_admin,
        lead_department=scjg,
        items=[food_item, health_item],
        kind=Task.Kind.JOINT,
        participating_departments=[wsjk],
        **task_kwargs(title="食品与公共场所卫生联合抽查", slots=slots),
    )


def _url(task):
    return reverse("imports:task_visits_export", args=[task.pk])


def _rows(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header, *rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_one_row_per_visit_with_its_team_and_merged_visit(login, scjg_admin, scjg_task, wsjk_task, merged):
    merged_visit, (scjg_visit, _) = merged
    rows = _rows(login(scjg_admin).get(_url(scjg_task)))
    visits = list(
        scjg_task.visits.select_related("inspection_object__region__parent", "stratum").order_by(
            "stratum__name", "rank"
        )
    )
    assert [r["公开编码"] for r in rows] == [v.public_id for v in visits]
    assert list(rows[0]) == [
        "分层",
        "抽取序号",
        "检查对象名称",
        "统一社会信用代码",
        "公开编码",
        "所属区划",
        "主检（组长） 姓名",
        "主检（组长） 所属部门",
        "协检 姓名",
        "协检 所属部门",
        "合并检查编号",
        "合并检查时间",
        "合并检查的其他任务",
    ]
    for row, visit in zip(rows, visits, strict=True):
        obj = visit.inspection_object
        assert (row["分层"], row["抽取序号"], row["检查对象名称"]) == (visit.stratum.name, visit.rank, obj.name)
        assert row["统一社会信用代码"] == obj.uscc and obj.region.name in row["所属区划"]
        team = {m.slot: m.inspector for m in visit.members.select_related("inspector__department")}
        assert row["主检（组长） 姓名"] == team["主检"].name and row["协检 姓名"] == team["协检"].name
        assert row["主检（组长） 所属部门"] == "市场监管"
        if visit.pk == scjg_visit.pk:
            assert row["合并检查编号"] == merged_visit.code
            assert row["合并检查时间"] == f"{merged_visit.planned_start:%Y-%m-%d} — {merged_visit.planned_end:%Y-%m-%d}"
            assert row["合并检查的其他任务"] == wsjk_task.code
        else:
            assert not row["合并检查编号"] and not row["合并检查的其他任务"]


def test_export_is_audited(login, scjg_admin, scjg_task):
    rows = _rows(login(scjg_admin).get(_url(scjg_task)))
    entry = AuditEntry.objects.filter(action="imports.visits.export").get()
    assert entry.actor == scjg_admin and entry.target_id == str(scjg_task.pk)
    assert entry.after["rows"] == len(rows) == scjg_task.visits.count()
    assert str(action_label("imports.visits.export")) == "导出抽查任务的检查名单"


def test_names_are_quoted_against_formulas(login, scjg_admin, objects, scjg_task):
    visit = scjg_task.visits.first()
    InspectionObject.objects.filter(pk=visit.inspection_object_id).update(name='=HYPERLINK("http://x","点我")')
    rows = _rows(login(scjg_admin).get(_url(scjg_task)))
    row = next(r for r in rows if r["公开编码"] == visit.public_id)
    assert row["检查对象名称"] == '\'=HYPERLINK("http://x","点我")'


@pytest.mark.parametrize("persona", ["scjg_inspector", "coordinator", "auditor"])
def test_readers_who_see_the_teams_export(request, login, persona, scjg_task):
    rows = _rows(login(request.getfixturevalue(persona)).get(_url(scjg_task)))
    assert len(rows) == scjg_task.visits.count()


def test_other_department_gets_404(login, wsjk_admin, scjg_task):
    assert login(wsjk_admin).get(_url(scjg_task)).status_code == 404
    assert not AuditEntry.objects.filter(action="imports.visits.export").exists()


def test_a_participant_of_a_joint_task_exports_it(login, wsjk_admin, joint_task, run_ceremony):
    task = run_ceremony(joint_task)
    rows = _rows(login(wsjk_admin).get(_url(task)))
    assert len(rows) == task.visits.count() and "卫健检查 姓名" in rows[0]


def test_witness_only_reader_gets_404(login, witness, joint_task, run_ceremony):
    task = run_ceremony(joint_task)  # the witness entered its own input: it reads the task
    assert login(witness).get(reverse("draws:detail", args=[task.pk])).status_code == 200
    assert login(witness).get(_url(task)).status_code == 404
    assert not AuditEntry.objects.filter(action="imports.visits.export").exists()


def test_anonymous_and_roleless_users_get_nothing(client, login, nobody, scjg_task):
    assert client.get(_url(scjg_task)).status_code == 302  # to the login page
    assert login(nobody).get(_url(scjg_task)).status_code == 404


def test_a_task_not_drawn_has_nothing_to_export(login, scjg_admin, make_task, run_ceremony):
    task = run_ceremony(make_task(), draw=False)
    assert login(scjg_admin).get(_url(task)).status_code == 404
    assert login(scjg_admin).get(reverse("imports:task_visits_export", args=[999999])).status_code == 404
