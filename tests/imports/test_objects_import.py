import pytest

from spotcheck.audit.models import AuditEntry
from spotcheck.directory.models import InspectionObject, LevelChange, ObjectLicence
from spotcheck.imports.models import ImportJob
from tests.factories import OBJECT_HEADER, InspectionObjectFactory, make_uscc, object_row

pytestmark = pytest.mark.django_db


def _rows(*rows):
    return [OBJECT_HEADER, *rows]


def test_new_objects_are_created_with_relations(scjg_admin, scjg, wsjk, codes, run_import):
    run = run_import(scjg_admin, "objects", _rows(object_row(make_uscc(1)), object_row(make_uscc(2), "第二家")), scjg)

    assert run.job.status == ImportJob.Status.SUCCEEDED, run.outcome.errors
    assert (run.job.created_count, run.job.updated_count, run.job.unchanged_count) == (2, 0, 0)
    obj = InspectionObject.objects.get(uscc=make_uscc(1))
    assert obj.public_code == make_uscc(1)
    assert obj.owner_department == scjg
    assert obj.credit_level == "A"
    assert obj.region.code == "320481100"
    assert obj.industry.code == "H"
    assert str(obj.established_on) == "2015-03-02"
    assert sorted(obj.tags.values_list("code", flat=True)) == ["catering", "key_supervision"]
    assert set(obj.supervising_departments.all()) == {scjg, wsjk}
    licence = obj.licences.get()
    assert (licence.kind.code, licence.number, str(licence.valid_until)) == (
        "food_business",
        "JY13204810012345",
        "2027-05-31",
    )


def test_reimport_counts_updated_and_unchanged(scjg_admin, scjg, codes, run_import):
    rows = [object_row(make_uscc(n), f"企业{n}") for n in range(1, 4)]
    run_import(scjg_admin, "objects", _rows(*rows), scjg)
    rows[1] = object_row(make_uscc(2), "改名后的企业2")
    run = run_import(scjg_admin, "objects", _rows(*rows), scjg)

    assert (run.job.created_count, run.job.updated_count, run.job.unchanged_count) == (0, 1, 2)
    assert InspectionObject.objects.get(uscc=make_uscc(2)).name == "改名后的企业2"
    assert InspectionObject.objects.count() == 3


def test_one_bad_row_writes_nothing_and_lists_every_error(scjg_admin, scjg, codes, run_import):
    existing = InspectionObjectFactory(
        uscc=make_uscc(50), public_code=make_uscc(50), name="原名", owner_department=scjg
    )
    rows = _rows(
        object_row(make_uscc(1)),
        object_row(make_uscc(50), "新名字"),
        object_row("91320481MA1YYYYY0Y", 行业代码="ZZ"),
        object_row(make_uscc(3), 风险等级="极高", 成立日期="2020-02-30"),
    )
    before = AuditEntry.objects.count()
    run = run_import(scjg_admin, "objects", rows, scjg)

    assert run.job.status == ImportJob.Status.REJECTED
    assert (run.job.created_count, run.job.updated_count, run.job.unchanged_count) == (0, 0, 0)
    assert InspectionObject.objects.count() == 1
    existing.refresh_from_db()
    assert existing.name == "原名"
    found = {(e.row, e.column) for e in run.outcome.errors}
    assert found == {(4, "统一社会信用代码"), (4, "行业代码"), (5, "风险等级"), (5, "成立日期")}
    messages = {(e.row, e.column): e.message for e in run.outcome.errors}
    assert "校验位" in messages[(4, "统一社会信用代码")] or "字符" in messages[(4, "统一社会信用代码")]
    assert messages[(4, "行业代码")] == "行业代码“ZZ”不存在或已停用。"
    assert "不是有效的值" in messages[(5, "风险等级")]
    assert messages[(5, "成立日期")] == "“2020-02-30”不是存在的日期。"
    assert run.job.error_count == 4
    assert [e[0] for e in run.job.errors] == [4, 4, 5, 5]
    # Only the rejection is audited; the data change is not.
    assert list(AuditEntry.objects.filter(seq__gt=before).values_list("action", flat=True)) == [
        "imports.objects.reject"
    ]


def test_duplicate_keys_in_file_are_reported(scjg_admin, scjg, codes, run_import):
    run = run_import(scjg_admin, "objects", _rows(object_row(make_uscc(1)), object_row(make_uscc(1), "又一次")), scjg)

    assert run.job.status == ImportJob.Status.REJECTED
    [error] = run.outcome.errors
    assert (error.row, error.column, error.message) == (3, "统一社会信用代码", "与第 2 行重复。")


def test_missing_and_unknown_headers_are_named(scjg_admin, scjg, codes, run_import):
    run = run_import(scjg_admin, "objects", [["统一社会信用代码", "名字", "电话"], [make_uscc(1), "甲", "1"]], scjg)

    assert run.job.status == ImportJob.Status.REJECTED
    messages = [e.message for e in run.outcome.errors]
    assert "未知的列：名字、电话（可用的列见导入模板）。" in messages
    assert "缺少必需的列：名称、所属区划代码。" in messages
    assert all(e.row == 1 for e in run.outcome.errors)


def test_level_changes_are_recorded(scjg_admin, scjg, codes, run_import):
    run_import(scjg_admin, "objects", _rows(object_row(make_uscc(1))), scjg)
    run = run_import(
        scjg_admin, "objects", _rows(object_row(make_uscc(1), 风险等级="高风险", 信用等级="C")), scjg, name="评级.csv"
    )

    assert run.job.updated_count == 1
    changes = {c.field: c for c in LevelChange.objects.all()}
    assert set(changes) == {"risk_level", "credit_level"}
    assert (changes["risk_level"].old_value, changes["risk_level"].new_value) == ("general", "high")
    assert (changes["credit_level"].old_value, changes["credit_level"].new_value) == ("A", "C")
    assert changes["risk_level"].source == "导入文件 评级.csv"
    assert changes["risk_level"].reason == "批量导入"
    assert changes["risk_level"].recorded_by == scjg_admin


def test_licences_not_listed_are_retired_and_relisted_revived(scjg_admin, scjg, codes, run_import):
    run_import(scjg_admin, "objects", _rows(object_row(make_uscc(1))), scjg)
    run_import(scjg_admin, "objects", _rows(object_row(make_uscc(1), 许可证="food_business:JY999")), scjg)
    licences = {lic.number: lic for lic in ObjectLicence.objects.all()}
    assert licences["JY13204810012345"].retired_at is not None
    assert licences["JY999"].retired_at is None

    run = run_import(
        scjg_admin,
        "objects",
        _rows(object_row(make_uscc(1), 许可证="food_business:JY999；食品经营许可证:JY13204810012345:2027-05-31")),
        scjg,
    )
    assert run.job.updated_count == 1
    assert ObjectLicence.objects.filter(retired_at__isnull=True).count() == 2


def test_product_needs_public_code_and_no_uscc(scjg_admin, scjg, codes, run_import):
    header = ["统一社会信用代码", "公开编码", "对象类型", "名称", "所属区划代码"]
    run = run_import(
        scjg_admin,
        "objects",
        [
            header,
            ["", "P320481000001", "产品", "某品牌瓶装水", "320481"],
            ["", "", "产品", "无编码产品", "320481"],
            ["", "P320481000002", "企业", "没有代码的企业", "320481"],
        ],
        scjg,
    )
    assert run.job.status == ImportJob.Status.REJECTED
    assert {(e.row, e.column, e.message) for e in run.outcome.errors} == {
        (3, "公开编码", "没有统一社会信用代码的对象必须填写公开编码。"),
        (4, "统一社会信用代码", "企业、个体工商户和农民专业合作社必须填写统一社会信用代码。"),
    }
    run = run_import(scjg_admin, "objects", [header, ["", "P320481000001", "产品", "某品牌瓶装水", "320481"]], scjg)
    assert run.job.status == ImportJob.Status.SUCCEEDED
    product = InspectionObject.objects.get(public_code="P320481000001")
    assert product.uscc is None and product.kind == "product"


def test_absent_columns_leave_fields_untouched(scjg_admin, scjg, codes, run_import):
    run_import(scjg_admin, "objects", _rows(object_row(make_uscc(1))), scjg)
    run = run_import(
        scjg_admin,
        "objects",
        [["统一社会信用代码", "名称", "所属区划代码"], [make_uscc(1), "新名称", "320481100"]],
        scjg,
    )
    assert run.job.updated_count == 1
    obj = InspectionObject.objects.get()
    assert obj.name == "新名称"
    assert obj.tags.count() == 2 and obj.credit_level == "A" and obj.licences.count() == 1


def test_wsjk_admin_cannot_touch_scjg_objects(wsjk_admin, wsjk, scjg, codes, run_import):
    InspectionObjectFactory(uscc=make_uscc(50), public_code=make_uscc(50), name="市场监管的企业", owner_department=scjg)
    header = [*OBJECT_HEADER, "录入部门"]
    run = run_import(
        wsjk_admin,
        "objects",
        [
            header,
            [*object_row(make_uscc(50)), ""],
            [*object_row(make_uscc(2)), "市场监管"],
            [*object_row(make_uscc(3)), ""],
        ],
        wsjk,
    )
    assert run.job.status == ImportJob.Status.REJECTED
    errors = {(e.row, e.column): e.message for e in run.outcome.errors}
    assert errors == {
        (2, "统一社会信用代码"): "已有对象“市场监管的企业”属于部门“市场监管”，您无权修改。",
        (3, "录入部门"): "您无权写入部门“市场监管”的数据。",
    }
    assert InspectionObject.objects.count() == 1


def test_coordinator_imports_for_other_department(coordinator, wsjk, codes, run_import):
    run = run_import(coordinator, "objects", _rows(object_row(make_uscc(1))), wsjk)
    assert run.job.status == ImportJob.Status.SUCCEEDED
    assert InspectionObject.objects.get().owner_department == wsjk


def test_successful_import_is_audited_once(scjg_admin, scjg, codes, run_import):
    before = AuditEntry.objects.count()
    run = run_import(scjg_admin, "objects", _rows(object_row(make_uscc(1)), object_row(make_uscc(2))), scjg)

    [entry] = AuditEntry.objects.filter(seq__gt=before)
    assert entry.action == "imports.objects.import"
    assert entry.actor == scjg_admin
    assert entry.after["sha256"] == run.job.file_sha256 and len(run.job.file_sha256) == 64
    assert entry.after["job_id"] == run.job.pk
    assert (entry.after["created"], entry.after["updated"], entry.after["unchanged"]) == (2, 0, 0)
    assert run.job.file.name and run.job.source == "cli"
