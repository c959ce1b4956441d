import datetime as dt

import pytest

from spotcheck.catalog.models import InspectionItem, ItemVersion
from spotcheck.imports.models import ImportJob
from spotcheck.inspectors.models import Inspector
from tests.factories import INSPECTOR_HEADER, ITEM_HEADER, InspectorFactory, inspector_row, item_row

pytestmark = pytest.mark.django_db


def test_inspectors_upsert(scjg_admin, scjg, codes, run_import):
    run = run_import(
        scjg_admin, "inspectors", [INSPECTOR_HEADER, inspector_row("P001"), inspector_row("P002", "李四")], scjg
    )
    assert run.job.status == ImportJob.Status.SUCCEEDED, run.outcome.errors
    inspector = Inspector.objects.get(code="P001")
    assert inspector.department == scjg and inspector.can_lead
    assert inspector.certificate_expires_on == dt.date(2028, 12, 31)
    assert sorted(inspector.jurisdictions.values_list("code", flat=True)) == ["320481100", "320481101"]
    assert list(inspector.qualifications.values_list("code", flat=True)) == ["food_safety"]

    run = run_import(
        scjg_admin,
        "inspectors",
        [INSPECTOR_HEADER, inspector_row("P001", 在岗状态="休假"), inspector_row("P002", "李四")],
        scjg,
    )
    assert (run.job.created_count, run.job.updated_count, run.job.unchanged_count) == (0, 1, 1)
    assert Inspector.objects.get(code="P001").availability == "on_leave"


def test_inspector_errors_name_row_and_column(scjg_admin, scjg, wsjk, codes, run_import):
    InspectorFactory(code="W001", department=wsjk, certificate_number="ZFW001")
    run = run_import(
        scjg_admin,
        "inspectors",
        [
            INSPECTOR_HEADER,
            inspector_row("W001"),
            inspector_row("P003", 所属部门="卫健"),
            inspector_row("P004", 执法证号="ZFW001"),
            inspector_row("P005", 执法资格="飞行"),
        ],
        scjg,
    )
    assert run.job.status == ImportJob.Status.REJECTED
    assert {(e.row, e.column, e.message) for e in run.outcome.errors} == {
        (
            2,
            "人员编码",
            "已有人员“检查员0”属于部门“卫健”，您无权修改。".replace("检查员0", Inspector.objects.get().name),
        ),
        (3, "所属部门", "您无权写入部门“卫健”的数据。"),
        (4, "执法证号", "该执法证号已登记在人员“W001”名下。"),
        (5, "执法资格", "执法资格“飞行”不存在或已停用。"),
    }
    assert Inspector.objects.count() == 1


def test_items_import_creates_drafts_and_never_bypasses_filing(scjg_admin, scjg, codes, run_import):
    run = run_import(scjg_admin, "items", [ITEM_HEADER, item_row("SC-001")], scjg)
    assert run.job.status == ImportJob.Status.SUCCEEDED, run.outcome.errors
    item = InspectionItem.objects.get(code="SC-001")
    version = item.versions.get()
    assert item.current_version is None
    assert (version.number, version.status, version.category) == (1, "draft", "key")
    assert version.scope == {"kinds": ["enterprise"], "industries": ["H"]}
    assert version.methods == ["on_site", "document"]
    assert [(q.position, q.text, q.basis) for q in version.questions.all()] == [
        (1, "是否公示许可证", "《食品经营许可管理办法》第二十六条"),
        (2, "是否建立进货查验记录", ""),
    ]

    # Same file: unchanged. Changed name: the open draft is updated, not a new version.
    assert run_import(scjg_admin, "items", [ITEM_HEADER, item_row("SC-001")], scjg).job.unchanged_count == 1
    run = run_import(scjg_admin, "items", [ITEM_HEADER, item_row("SC-001", "改名")], scjg)
    assert run.job.updated_count == 1
    assert list(item.versions.values_list("number", "name")) == [(1, "改名")]

    # Once filed and published, an import starts version 2 as a draft; version 1 stays.
    ItemVersion.objects.filter(pk=version.pk).update(status="published")
    InspectionItem.objects.filter(pk=item.pk).update(current_version=version)
    run = run_import(scjg_admin, "items", [ITEM_HEADER, item_row("SC-001", "第二版")], scjg)
    assert run.job.updated_count == 1
    assert list(item.versions.order_by("number").values_list("number", "status", "name")) == [
        (1, "published", "改名"),
        (2, "draft", "第二版"),
    ]
    item.refresh_from_db()
    assert item.current_version_id == version.pk

    # While a version waits for filing, the import refuses the row.
    ItemVersion.objects.filter(item=item, number=2).update(status="filing")
    run = run_import(scjg_admin, "items", [ITEM_HEADER, item_row("SC-001", "第三版")], scjg)
    assert [(e.row, e.column) for e in run.outcome.errors] == [(2, "事项编码")]
    assert "待备案审查" in run.outcome.errors[0].message


def test_item_errors(scjg_admin, scjg, codes, run_import):
    run = run_import(
        scjg_admin,
        "items",
        [ITEM_HEADER, item_row("SC-001", 默认抽查比例="150%"), item_row("SC-002", 检查方式="飞检", 所属部门="卫健")],
        scjg,
    )
    assert run.job.status == ImportJob.Status.REJECTED
    assert {(e.row, e.column) for e in run.outcome.errors} == {(2, "默认抽查比例"), (3, "检查方式"), (3, "所属部门")}
    assert not InspectionItem.objects.exists()
