import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from spotcheck.audit.models import AuditEntry
from spotcheck.directory.licences import LicenceInput, licence_add, licence_retire, object_set_licences
from spotcheck.directory.models import InspectionObject, LevelChange, ObjectLicence, Penalty
from spotcheck.directory.penalties import penalty_record
from spotcheck.directory.services import (
    object_change_level,
    object_create,
    object_restore,
    object_retire,
    object_update,
)
from spotcheck.directory.validators import validate_object_fields
from tests.factories import InspectionObjectFactory, make_uscc

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def data(towns, scjg):
    return {
        "kind": "enterprise",
        "uscc": make_uscc(1),
        "name": "溧阳市好味道餐饮有限公司",
        "region": towns[0],
        "owner_department": scjg,
        "industry": "62",
        "tags": ["catering", "small_micro"],
        "risk_level": "elevated",
        "credit_level": "B",
    }


def entries_for(obj):
    return list(AuditEntry.objects.filter(target_type="directory.inspectionobject", target_id=str(obj.pk)))


# --- create and USCC ---------------------------------------------------------------------------


def test_create_enterprise_uses_normalized_uscc_as_public_code(scjg_admin, data):
    raw = make_uscc(1)
    data["uscc"] = f" {raw[:6].lower()} {raw[6:]} "
    obj = object_create(actor=scjg_admin, data=data)
    assert obj.uscc == raw
    assert obj.public_code == raw
    assert obj.industry.code == "62"
    assert sorted(t.code for t in obj.tags.all()) == ["catering", "small_micro"]
    levels = {c.field: c for c in obj.level_changes.all()}
    assert levels["risk_level"].old_value == "" and levels["risk_level"].new_value == "elevated"
    assert levels["credit_level"].new_value == "B"
    assert levels["risk_level"].recorded_by == scjg_admin
    [entry] = entries_for(obj)
    assert entry.action == "directory.object.create"
    assert entry.before is None
    assert entry.after["name"] == "溧阳市好味道餐饮有限公司"
    assert entry.after["uscc"] == raw
    assert entry.actor == scjg_admin


def test_bad_check_digit_is_refused_in_chinese_naming_the_field(scjg_admin, data):
    good = make_uscc(1)
    bad_digit = "0" if good[-1] != "0" else "1"
    data["uscc"] = good[:-1] + bad_digit
    with pytest.raises(ValidationError) as exc:
        object_create(actor=scjg_admin, data=data)
    [message] = exc.value.message_dict["uscc"]
    assert "统一社会信用代码" in message
    assert "校验位" in message
    assert not InspectionObject.objects.exists()
    assert not AuditEntry.objects.exists()


def test_enterprise_needs_a_uscc(scjg_admin, data):
    data["uscc"] = ""
    with pytest.raises(ValidationError) as exc:
        object_create(actor=scjg_admin, data=data)
    assert exc.value.message_dict["uscc"] == ["企业须填写统一社会信用代码。"]


def test_wrong_length_is_explained(scjg_admin, data):
    data["uscc"] = "91320481MA1234"
    with pytest.raises(ValidationError) as exc:
        object_create(actor=scjg_admin, data=data)
    assert "应为 18 位" in exc.value.message_dict["uscc"][0]


def test_taken_uscc_names_the_holder(scjg_admin, data):
    other = InspectionObjectFactory(uscc=make_uscc(1), name="已登记的公司")
    with pytest.raises(ValidationError) as exc:
        object_create(actor=scjg_admin, data=data)
    assert other.name in exc.value.message_dict["uscc"][0]


def test_products_get_stable_platform_codes_by_kind_and_county(scjg_admin, data):
    data.update(kind="product", uscc=None, name="某品牌电动自行车")
    first = object_create(actor=scjg_admin, data=data)
    second = object_create(actor=scjg_admin, data={**data, "name": "某品牌电热水壶"})
    project = object_create(actor=scjg_admin, data={**data, "kind": "project", "name": "溧城中学改扩建工程"})
    assert first.uscc is None
    assert first.public_code == "P320481-000001"
    assert second.public_code == "P320481-000002"
    assert project.public_code == "J320481-000001"
    # A later edit never moves the code.
    object_update(actor=scjg_admin, obj=first, data={"name": "某品牌电动自行车（新款）", "region": data["region"]})
    first.refresh_from_db()
    assert first.public_code == "P320481-000001"


def test_platform_codes_skip_codes_already_taken(scjg_admin, data):
    InspectionObjectFactory(product=True, public_code="P320481-000001")
    data.update(kind="product", uscc=None)
    assert object_create(actor=scjg_admin, data=data).public_code == "P320481-000002"


def test_products_must_not_carry_a_uscc(scjg_admin, data):
    data.update(kind="product")
    with pytest.raises(ValidationError) as exc:
        object_create(actor=scjg_admin, data=data)
    assert "不填写统一社会信用代码" in exc.value.message_dict["uscc"][0]


def test_validate_object_fields_reads_codes_and_labels(towns, scjg, wsjk):
    cleaned = validate_object_fields(
        {
            "kind": "个体工商户",
            "uscc": make_uscc(7, head="92320481"),
            "name": " 张记小吃店 ",
            "region": "320481101",
            "owner_department": "SCJG",
            "supervising_departments": "WSJK",
            "industry": "H",
            "risk_level": "高风险",
            "in_abnormal_list": "是",
            "established_on": "2019/05/06",
            "tags": "catering；school_canteen",
        }
    )
    assert cleaned["kind"] == "individual"
    assert cleaned["name"] == "张记小吃店"
    assert cleaned["region"] == towns[1]
    assert cleaned["supervising_departments"] == [wsjk]
    assert cleaned["industry"].name == "住宿和餐饮业"
    assert cleaned["risk_level"] == "high"
    assert cleaned["in_abnormal_list"] is True
    assert cleaned["established_on"] == dt.date(2019, 5, 6)
    assert [t.code for t in cleaned["tags"]] == ["catering", "school_canteen"]


def test_validate_object_fields_reports_every_problem(towns, scjg):
    with pytest.raises(ValidationError) as exc:
        validate_object_fields(
            {
                "name": "",
                "uscc": make_uscc(1),
                "region": "999999",
                "owner_department": "SCJG",
                "risk_level": "很高",
                "industry": "52",
                "established_on": "2099-01-01",
                "tags": ["no_such_tag"],
            }
        )
    errors = exc.value.message_dict
    assert errors["name"] == ["请填写名称。"]
    assert errors["region"] == ["所属区划“999999”不存在。"]
    assert "风险等级“很高”不是有效选项" in errors["risk_level"][0]
    assert errors["established_on"] == ["成立日期不能晚于今天。"]
    assert errors["tags"] == ["分类标注“no_such_tag”不存在。"]
    assert "industry" not in errors


# --- update and levels ------------------------------------------------------------------------


def test_update_records_only_what_changed(scjg_admin, data):
    obj = object_create(actor=scjg_admin, data=data)
    object_update(actor=scjg_admin, obj=obj, data={"name": "溧阳市好味道餐饮管理有限公司", "address": "燕山路 1 号"})
    obj.refresh_from_db()
    assert obj.name == "溧阳市好味道餐饮管理有限公司"
    entry = AuditEntry.objects.filter(action="directory.object.update").get()
    assert entry.before == {"address": "", "name": "溧阳市好味道餐饮有限公司"}
    assert entry.after == {"address": "燕山路 1 号", "name": "溧阳市好味道餐饮管理有限公司"}
    assert entry.target_id == str(obj.pk)


def test_update_without_changes_writes_nothing(scjg_admin, data):
    obj = object_create(actor=scjg_admin, data=data)
    object_update(actor=scjg_admin, obj=obj, data={"name": obj.name, "tags": ["small_micro", "catering"]})
    assert not AuditEntry.objects.filter(action="directory.object.update").exists()


def test_update_of_level_needs_reason_and_source(scjg_admin, data):
    obj = object_create(actor=scjg_admin, data=data)
    with pytest.raises(ValidationError) as exc:
        object_update(actor=scjg_admin, obj=obj, data={"risk_level": "high"})
    assert "level_reason" in exc.value.message_dict
    assert "level_source" in exc.value.message_dict
    obj.refresh_from_db()
    assert obj.risk_level == "elevated"


def test_update_of_level_lands_in_the_history(scjg_admin, data):
    obj = object_create(actor=scjg_admin, data=data)
    object_update(
        actor=scjg_admin,
        obj=obj,
        data={"risk_level": "high", "credit_level": "C"},
        level_effective_on=dt.date(2026, 1, 5),
        level_reason="年度风险分类调整",
        level_source="信用风险分类结果",
    )
    obj.refresh_from_db()
    assert (obj.risk_level, obj.credit_level) == ("high", "C")
    changes = obj.level_changes.filter(reason="年度风险分类调整")
    assert {(c.field, c.old_value, c.new_value) for c in changes} == {
        ("risk_level", "elevated", "high"),
        ("credit_level", "B", "C"),
    }
    assert all(c.effective_on == dt.date(2026, 1, 5) and c.source == "信用风险分类结果" for c in changes)
    entry = AuditEntry.objects.get(action="directory.object.update")
    assert entry.after["risk_level"] == "high"
    assert entry.after["level_reason"] == "年度风险分类调整"


def test_change_level_keeps_date_reason_source(scjg_admin, data):
    obj = object_create(actor=scjg_admin, data=data)
    change = object_change_level(
        actor=scjg_admin,
        obj=obj,
        field="credit_level",
        new_value="D",
        effective_on=dt.date(2026, 3, 1),
        reason="列入严重违法失信名单",
        source="国家企业信用信息公示系统",
    )
    obj.refresh_from_db()
    assert obj.credit_level == "D"
    assert (change.old_value, change.new_value, change.effective_on) == ("B", "D", dt.date(2026, 3, 1))
    assert change.recorded_by == scjg_admin
    entry = AuditEntry.objects.get(action="directory.object.level")
    assert entry.before == {"credit_level": "B"}
    assert entry.after["credit_level"] == "D"
    assert entry.after["reason"] == "列入严重违法失信名单"


def test_change_level_refuses_bad_input(scjg_admin, data):
    obj = object_create(actor=scjg_admin, data=data)
    with pytest.raises(ValidationError) as exc:
        object_change_level(
            actor=scjg_admin,
            obj=obj,
            field="risk_level",
            new_value="elevated",
            effective_on=TODAY() + dt.timedelta(days=3),
            reason="",
            source="",
        )
    errors = exc.value.message_dict
    assert errors["new_value"] == ["新的风险等级与当前等级相同。"]
    assert errors["effective_on"] == ["生效日期不能晚于今天。"]
    assert errors["reason"] == ["请填写等级变更原因。"]
    assert "source" in errors
    assert LevelChange.objects.filter(inspection_object=obj).count() == 2


def test_kind_cannot_leave_the_market_entity_kinds(scjg_admin, data):
    obj = object_create(actor=scjg_admin, data=data)
    with pytest.raises(ValidationError) as exc:
        object_update(actor=scjg_admin, obj=obj, data={"kind": "product"})
    assert "对象类型" in exc.value.message_dict["kind"][0]
    object_update(actor=scjg_admin, obj=obj, data={"kind": "individual"})
    obj.refresh_from_db()
    assert obj.kind == "individual" and obj.public_code == obj.uscc


def test_corrected_uscc_becomes_the_public_code(scjg_admin, data):
    obj = object_create(actor=scjg_admin, data=data)
    object_update(actor=scjg_admin, obj=obj, data={"uscc": make_uscc(2)})
    obj.refresh_from_db()
    assert obj.uscc == obj.public_code == make_uscc(2)


# --- retire / restore -------------------------------------------------------------------------


def test_retire_needs_reason_and_keeps_the_row(scjg_admin, data):
    obj = object_create(actor=scjg_admin, data=data)
    with pytest.raises(ValidationError) as exc:
        object_retire(actor=scjg_admin, obj=obj, reason="  ")
    assert exc.value.message_dict["reason"] == ["请填写停用原因。"]
    object_retire(actor=scjg_admin, obj=obj, reason="已注销登记")
    obj.refresh_from_db()
    assert obj.is_retired and obj.retired_reason == "已注销登记"
    entry = AuditEntry.objects.get(action="directory.object.retire")
    assert entry.before == {"retired_at": None, "retired_reason": ""}
    assert entry.after["retired_reason"] == "已注销登记"
    with pytest.raises(ValidationError):
        object_retire(actor=scjg_admin, obj=obj, reason="再次停用")
    with pytest.raises(ValidationError, match="已停用"):
        object_update(actor=scjg_admin, obj=obj, data={"name": "新名称"})


def test_restore(scjg_admin, data):
    obj = object_create(actor=scjg_admin, data=data)
    object_retire(actor=scjg_admin, obj=obj, reason="误停用前")
    with pytest.raises(ValidationError):
        object_restore(actor=scjg_admin, obj=obj, reason="")
    object_restore(actor=scjg_admin, obj=obj, reason="停用有误")
    obj.refresh_from_db()
    assert not obj.is_retired and obj.retired_reason == ""
    entry = AuditEntry.objects.get(action="directory.object.restore")
    assert entry.after["reason"] == "停用有误"
    with pytest.raises(ValidationError, match="没有停用"):
        object_restore(actor=scjg_admin, obj=obj, reason="again")


# --- permissions for every persona ------------------------------------------------------------

WRITE_OUTCOMES = [
    ("coordinator", None),
    ("scjg_admin", None),
    ("wsjk_admin", Http404),
    ("scjg_inspector", PermissionDenied),
    ("scjg_approver", PermissionDenied),
    ("witness", Http404),  # a witness-only user reads nothing of the directory (issue 11)
    ("auditor", PermissionDenied),
    ("nobody", Http404),
]


@pytest.mark.parametrize(("persona", "refused"), WRITE_OUTCOMES)
def test_update_permissions(request, persona, refused, scjg, towns):
    user = request.getfixturevalue(persona)
    obj = InspectionObjectFactory(owner_department=scjg, region=towns[0])
    if refused is None:
        object_update(actor=user, obj=obj, data={"name": "改名后的公司"})
        obj.refresh_from_db()
        assert obj.name == "改名后的公司"
    else:
        with pytest.raises(refused):
            object_update(actor=user, obj=obj, data={"name": "改名后的公司"})
        obj.refresh_from_db()
        assert obj.name != "改名后的公司"
        assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(("persona", "refused"), WRITE_OUTCOMES)
def test_retire_and_level_permissions(request, persona, refused, scjg, towns):
    user = request.getfixturevalue(persona)
    obj = InspectionObjectFactory(owner_department=scjg, region=towns[0])
    calls = [
        lambda: object_retire(actor=user, obj=obj, reason="测试"),
        lambda: object_restore(actor=user, obj=obj, reason="测试"),
        lambda: object_change_level(
            actor=user, obj=obj, field="risk_level", new_value="high", effective_on=TODAY(), reason="r", source="s"
        ),
    ]
    for call in calls:
        if refused is None:
            call()
        else:
            with pytest.raises(refused):
                call()


def test_supervising_department_may_write(wsjk_admin, wsjk, scjg, towns):
    obj = InspectionObjectFactory(owner_department=scjg, region=towns[0], supervising_departments=[wsjk])
    object_update(actor=wsjk_admin, obj=obj, data={"address": "卫健核实的新地址"})
    obj.refresh_from_db()
    assert obj.address == "卫健核实的新地址"


def test_supervising_department_cannot_hand_object_to_another(wsjk_admin, wsjk, scjg, towns):
    obj = InspectionObjectFactory(owner_department=wsjk, region=towns[0])
    with pytest.raises(PermissionDenied):
        object_update(actor=wsjk_admin, obj=obj, data={"owner_department": scjg})


@pytest.mark.parametrize(
    ("persona", "refused"),
    [
        ("coordinator", None),
        ("scjg_admin", None),
        ("wsjk_admin", PermissionDenied),
        ("scjg_inspector", PermissionDenied),
        ("auditor", PermissionDenied),
        ("witness", PermissionDenied),
        ("nobody", Http404),
    ],
)
def test_create_permissions(request, persona, refused, data):
    user = request.getfixturevalue(persona)
    if refused is None:
        assert object_create(actor=user, data=data).owner_department.code == "SCJG"
    else:
        with pytest.raises(refused):
            object_create(actor=user, data=data)
        assert not InspectionObject.objects.exists()


# --- licences and penalties -------------------------------------------------------------------


def test_licence_add_retire_and_set(scjg_admin, data):
    obj = object_create(actor=scjg_admin, data=data)
    licence = licence_add(actor=scjg_admin, obj=obj, kind="food_business", number="JY13204810000001")
    with pytest.raises(ValidationError, match="已经登记"):
        licence_add(actor=scjg_admin, obj=obj, kind="food_business", number="JY13204810000001")
    with pytest.raises(ValidationError, match="许可类别“no_kind”不存在"):
        licence_add(actor=scjg_admin, obj=obj, kind="no_kind", number="X")
    licence_retire(actor=scjg_admin, licence=licence, reason="许可证到期未延续")
    licence.refresh_from_db()
    assert licence.is_retired
    object_set_licences(
        actor=scjg_admin,
        obj=obj,
        licences=[
            LicenceInput("food_business", "JY13204810000001", "2030-01-01"),
            LicenceInput("public_place_hygiene", "WS-2024-01"),
        ],
    )
    active = ObjectLicence.objects.filter(inspection_object=obj, retired_at=None)
    assert {(lic.kind.code, lic.number) for lic in active} == {
        ("food_business", "JY13204810000001"),
        ("public_place_hygiene", "WS-2024-01"),
    }
    assert ObjectLicence.objects.filter(inspection_object=obj).count() == 2  # reactivated, not duplicated
    object_set_licences(actor=scjg_admin, obj=obj, licences=[LicenceInput("public_place_hygiene", "WS-2024-01")])
    assert ObjectLicence.objects.get(number="JY13204810000001").is_retired
    actions = [e.action for e in entries_for(obj)]
    assert actions.count("directory.object.licences") == 2
    assert "directory.licence.add" in actions and "directory.licence.retire" in actions


def test_licence_permissions(scjg_inspector, wsjk_admin, scjg, towns):
    obj = InspectionObjectFactory(owner_department=scjg, region=towns[0])
    with pytest.raises(PermissionDenied):
        licence_add(actor=scjg_inspector, obj=obj, kind="food_business", number="1")
    with pytest.raises(Http404):
        licence_add(actor=wsjk_admin, obj=obj, kind="food_business", number="1")


def test_penalty_record(scjg_admin, scjg, wsjk, data):
    obj = object_create(actor=scjg_admin, data=data)
    penalty = penalty_record(
        actor=scjg_admin,
        obj=obj,
        department=scjg,
        decision_number="溧市监处罚〔2026〕12号",
        decided_on="2026-02-03",
        summary="销售过期食品，罚款 5000 元",
    )
    assert penalty.decided_on == dt.date(2026, 2, 3)
    with pytest.raises(ValidationError) as exc:
        penalty_record(
            actor=scjg_admin,
            obj=obj,
            department=scjg,
            decision_number="溧市监处罚〔2026〕12号",
            decided_on="",
            summary="",
        )
    assert set(exc.value.message_dict) == {"decision_number", "decided_on", "summary"}
    with pytest.raises(PermissionDenied):
        penalty_record(actor=scjg_admin, obj=obj, department=wsjk, decision_number="X", decided_on=TODAY(), summary="s")
    assert Penalty.objects.count() == 1
    assert AuditEntry.objects.filter(action="directory.penalty.record", target_id=str(obj.pk)).count() == 1
