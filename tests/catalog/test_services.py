from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from spotcheck.audit.models import AuditEntry
from spotcheck.audit.services import first_chain_break
from spotcheck.catalog import services
from spotcheck.catalog.models import FilingEvent, InspectionItem, ItemVersion
from tests.factories import QualificationFactory, item_kwargs, make_item, publish

S = ItemVersion.Status


def _errors(exc_info) -> dict[str, list[str]]:
    return exc_info.value.message_dict


class TestItemCreate:
    def test_creates_item_and_draft_version_one(self, scjg_admin, scjg, wsjk):
        qual = QualificationFactory(code="FOOD", name="食品安全执法")
        item = make_item(
            actor=scjg_admin,
            department=scjg,
            sub_items=["许可情况", "进货查验"],
            scope={"kinds": ["enterprise"], "tags": ["catering"]},
            required_qualifications=[qual],
            joint_departments=[wsjk],
        )
        assert item.department == scjg
        assert item.current_version is None
        version = item.versions.get()
        assert (version.number, version.status) == (1, S.DRAFT)
        assert version.created_by == scjg_admin
        assert version.default_ratio == Decimal("0.050000")
        assert version.sub_items == ["许可情况", "进货查验"]
        assert version.scope == {"kinds": ["enterprise"], "tags": ["catering"]}
        assert list(version.required_qualifications.all()) == [qual]
        assert list(version.joint_departments.all()) == [wsjk]
        assert [(q.position, q.text) for q in version.questions.all()] == [
            (1, "是否取得有效的食品经营许可证"),
            (2, "是否建立进货查验记录制度"),
        ]
        assert list(version.filing_events.values_list("action", flat=True)) == [FilingEvent.Action.CREATED]

    def test_audited(self, scjg_admin, scjg):
        item = make_item(actor=scjg_admin, department=scjg)
        entries = list(AuditEntry.objects.order_by("seq").values_list("action", "target_id", "actor_id"))
        version = item.versions.get()
        assert entries == [
            ("catalog.item.create", str(item.pk), scjg_admin.pk),
            ("catalog.version.create", str(version.pk), scjg_admin.pk),
        ]
        after = AuditEntry.objects.get(action="catalog.version.create").after
        assert after["name"] == "食品经营者食品安全监督检查"
        assert after["default_ratio"] == "0.050000"
        assert after["checklist"][0]["text"] == "是否取得有效的食品经营许可证"
        assert first_chain_break() is None

    def test_coordinator_creates_for_any_department(self, coordinator, wsjk):
        item = make_item(actor=coordinator, department=wsjk, code="WSJK-001")
        assert item.department == wsjk

    def test_other_department_admin_is_refused_with_404(self, wsjk_admin, scjg):
        with pytest.raises(Http404):
            make_item(actor=wsjk_admin, department=scjg)
        assert not InspectionItem.objects.exists()

    @pytest.mark.parametrize("persona", ["scjg_inspector", "scjg_approver", "witness", "auditor"])
    def test_read_only_roles_get_403(self, request, persona, scjg):
        with pytest.raises(PermissionDenied):
            make_item(actor=request.getfixturevalue(persona), department=scjg)
        assert not InspectionItem.objects.exists()

    def test_no_role_gets_404(self, nobody, scjg):
        with pytest.raises(Http404):
            make_item(actor=nobody, department=scjg)


class TestValidation:
    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"code": " SCJG-1"}, "code", "事项编码首尾不能有空白字符。"),
            ({"code": ""}, "code", "事项编码不能为空。"),
            ({"code": "SCJG 1"}, "code", "事项编码“SCJG 1”不能含有空白字符。"),
            ({"code": "S" * 33}, "code", "事项编码最多 32 个字符，实为 33 个。"),
            ({"name": "  "}, "name", "事项名称不能为空。"),
            ({"legal_basis": ""}, "legal_basis", "抽查依据不能为空。"),
            ({"implementing_body": ""}, "implementing_body", "实施主体不能为空。"),
            ({"default_ratio": Decimal("1.5")}, "default_ratio", "默认抽查比例应在 0 到 1 之间"),
            ({"default_ratio": Decimal("-0.01")}, "default_ratio", "默认抽查比例应在 0 到 1 之间"),
            ({"default_ratio": Decimal("0.1234567")}, "default_ratio", "默认抽查比例最多保留 6 位小数"),
            ({"default_ratio": 0.05}, "default_ratio", "不能使用浮点数"),
            ({"default_ratio": "五成"}, "default_ratio", "默认抽查比例“五成”不是有效的数字。"),
            ({"methods": []}, "methods", "请至少选择一种检查方式。"),
            ({"methods": ["on_site", "phone_call"]}, "methods", "检查方式“phone_call”无效"),
            ({"times_per_year": 0}, "times_per_year", "默认抽查频次应为 1 到 365 之间的整数"),
            ({"category": "urgent"}, "category", "事项类别“urgent”无效"),
            (
                {"checklist": [{"text": "有效问题"}, {"text": "  ", "basis": "第五条"}]},
                "checklist",
                "检查表第 2 条：检查内容不能为空。",
            ),
            ({"sub_items": ["许可", "许可"]}, "sub_items", "检查子项“许可”重复。"),
            (
                {"scope": {"industries": ["X99"]}},
                "scope",
                "抽查对象范围的行业（industries）中，代码“X99”不存在或已停用。",
            ),
        ],
    )
    def test_refused_with_chinese_message_naming_the_field(self, scjg_admin, scjg, overrides, field, message):
        with pytest.raises(ValidationError) as exc_info:
            make_item(actor=scjg_admin, department=scjg, **overrides)
        errors = _errors(exc_info)
        assert field in errors
        assert any(message in m for m in errors[field]), errors[field]
        assert not InspectionItem.objects.exists()
        assert not AuditEntry.objects.exists()

    def test_every_problem_reported_at_once(self, scjg_admin, scjg):
        with pytest.raises(ValidationError) as exc_info:
            make_item(actor=scjg_admin, department=scjg, name="", methods=[], default_ratio=Decimal(2))
        assert {"name", "methods", "default_ratio"} <= set(_errors(exc_info))

    def test_code_unique(self, scjg_admin, scjg):
        make_item(actor=scjg_admin, department=scjg)
        with pytest.raises(ValidationError) as exc_info:
            make_item(actor=scjg_admin, department=scjg)
        assert _errors(exc_info)["code"] == ["事项编码“SCJG-001”已被其他事项使用。"]

    def test_code_must_be_nfc(self, scjg_admin, scjg):
        with pytest.raises(ValidationError) as exc_info:
            make_item(actor=scjg_admin, department=scjg, code="SCJG-A\u030a")  # A + combining ring
        assert _errors(exc_info)["code"] == ["事项编码不是 NFC 规范形式。"]

    @pytest.mark.parametrize(
        ("value", "stored"),
        [
            (Decimal("0"), Decimal("0")),
            (Decimal("0.000001"), Decimal("0.000001")),
            ("5%", Decimal("0.05")),
            ("0.123456", Decimal("0.123456")),
            (1, Decimal(1)),
        ],
    )
    def test_ratio_exact_decimal_boundaries(self, scjg_admin, scjg, value, stored):
        item = make_item(actor=scjg_admin, department=scjg, default_ratio=value)
        assert item.versions.get().default_ratio == stored

    def test_key_item_may_have_ratio_one(self, scjg_admin, scjg):
        item = make_item(actor=scjg_admin, department=scjg, category="key", default_ratio=Decimal(1))
        version = item.versions.get()
        assert (version.category, version.default_ratio) == ("key", Decimal(1))

    def test_methods_accept_chinese_labels_and_keep_choice_order(self, scjg_admin, scjg):
        item = make_item(actor=scjg_admin, department=scjg, methods=["网络监测", "on_site", "实地核查"])
        assert item.versions.get().methods == ["on_site", "online"]

    def test_joint_departments_cannot_include_owner(self, scjg_admin, scjg):
        with pytest.raises(ValidationError) as exc_info:
            make_item(actor=scjg_admin, department=scjg, joint_departments=[scjg])
        assert _errors(exc_info)["joint_departments"] == ["联合抽查部门不能包含事项的所属部门。"]

    def test_inactive_qualification_refused(self, scjg_admin, scjg):
        qual = QualificationFactory(code="OLD", name="旧资格", is_active=False)
        with pytest.raises(ValidationError) as exc_info:
            make_item(actor=scjg_admin, department=scjg, required_qualifications=[qual])
        assert "旧资格" in _errors(exc_info)["required_qualifications"][0]


class TestFilingWorkflow:
    def test_full_cycle(self, scjg_admin, coordinator, scjg):
        item = make_item(actor=scjg_admin, department=scjg)
        v1 = item.versions.get()

        v1 = services.version_submit(actor=scjg_admin, version=v1)
        assert v1.status == S.FILING
        assert v1.submitted_at is not None

        with pytest.raises(ValidationError) as exc_info:
            services.version_update_draft(actor=scjg_admin, version=v1, name="改名")
        assert "只有草稿或已退回的版本可以修改" in exc_info.value.messages[0]

        with pytest.raises(ValidationError) as exc_info:
            services.version_return(actor=coordinator, version=v1, reason="  ")
        assert _errors(exc_info)["reason"] == ["退回理由不能为空。"]

        v1 = services.version_return(actor=coordinator, version=v1, reason="抽查依据条款已修订，请更新。")
        assert v1.status == S.RETURNED
        assert v1.review_note == "抽查依据条款已修订，请更新。"
        assert (v1.reviewed_by, v1.published_at) == (coordinator, None)

        with pytest.raises(ValidationError) as exc_info:
            services.version_submit(actor=scjg_admin, version=v1)
        assert "退回的版本请先修改再提交" in exc_info.value.messages[0]

        v1 = services.version_update_draft(
            actor=scjg_admin, version=v1, legal_basis="《食品安全法》（2021 修正）第一百一十条"
        )
        assert v1.status == S.DRAFT
        v1 = services.version_submit(actor=scjg_admin, version=v1)
        v1 = services.version_accept(actor=coordinator, version=v1, note="同意备案")

        item.refresh_from_db()
        assert v1.status == S.PUBLISHED
        assert item.current_version == v1
        assert v1.published_at is not None and v1.reviewed_by == coordinator
        assert v1.review_note == "同意备案"
        assert list(v1.filing_events.values_list("action", flat=True)) == [
            "created",
            "submitted",
            "returned",
            "submitted",
            "accepted",
        ]
        assert v1.filing_events.get(action="returned").note == "抽查依据条款已修订，请更新。"

        # A revision: copied, filed, accepted; the old one is superseded and both stay readable.
        v2 = services.version_new_draft(actor=scjg_admin, item=item, change_note="增加网络监测")
        assert (v2.number, v2.status, v2.name) == (2, S.DRAFT, v1.name)
        assert [q.text for q in v2.questions.all()] == [q.text for q in v1.questions.all()]
        v2 = services.version_update_draft(actor=scjg_admin, version=v2, methods=["on_site", "online"])
        services.version_submit(actor=scjg_admin, version=v2)
        item.refresh_from_db()
        assert item.current_version == v1  # still v1 until accepted
        services.version_accept(actor=coordinator, version=v2)

        item.refresh_from_db()
        v1.refresh_from_db()
        v2.refresh_from_db()
        assert item.current_version == v2
        assert v1.status == S.SUPERSEDED
        assert v2.status == S.PUBLISHED
        assert v1.methods == ["on_site"]
        assert v2.methods == ["on_site", "online"]
        assert v1.filing_events.last().action == "superseded"

    def test_new_draft_copies_m2m_and_checklist_independently(self, scjg_admin, coordinator, scjg, wsjk):
        qual = QualificationFactory(code="FOOD")
        item = make_item(actor=scjg_admin, department=scjg, required_qualifications=[qual], joint_departments=[wsjk])
        v1 = publish(item, actor=scjg_admin, coordinator=coordinator)
        v2 = services.version_new_draft(actor=scjg_admin, item=item)
        assert list(v2.required_qualifications.all()) == [qual]
        assert list(v2.joint_departments.all()) == [wsjk]
        services.version_update_draft(
            actor=scjg_admin, version=v2, checklist=[{"text": "新问题", "basis": ""}], joint_departments=[]
        )
        assert [q.text for q in v1.questions.all()] == ["是否取得有效的食品经营许可证", "是否建立进货查验记录制度"]
        assert list(v1.joint_departments.all()) == [wsjk]
        assert [q.text for q in v2.questions.all()] == ["新问题"]

    def test_only_one_open_version(self, scjg_admin, coordinator, scjg):
        item = make_item(actor=scjg_admin, department=scjg)
        publish(item, actor=scjg_admin, coordinator=coordinator)
        services.version_new_draft(actor=scjg_admin, item=item)
        with pytest.raises(ValidationError) as exc_info:
            services.version_new_draft(actor=scjg_admin, item=item)
        assert "已有未完成备案的版本 v2" in exc_info.value.messages[0]
        assert item.versions.count() == 2

    def test_new_draft_needs_a_published_version(self, scjg_admin, scjg):
        item = make_item(actor=scjg_admin, department=scjg)
        with pytest.raises(ValidationError):
            services.version_new_draft(actor=scjg_admin, item=item)

    def test_accept_and_return_only_submitted(self, scjg_admin, coordinator, scjg):
        item = make_item(actor=scjg_admin, department=scjg)
        draft = item.versions.get()
        with pytest.raises(ValidationError) as exc_info:
            services.version_accept(actor=coordinator, version=draft)
        assert "只有待备案的版本可以审查" in exc_info.value.messages[0]
        with pytest.raises(ValidationError):
            services.version_return(actor=coordinator, version=draft, reason="不行")

    def test_published_version_is_frozen(self, scjg_admin, coordinator, scjg):
        item = make_item(actor=scjg_admin, department=scjg)
        v1 = publish(item, actor=scjg_admin, coordinator=coordinator)
        with pytest.raises(ValidationError):
            services.version_update_draft(actor=coordinator, version=v1, name="改名")
        with pytest.raises(ValidationError):
            services.version_submit(actor=scjg_admin, version=v1)

    def test_dept_admin_cannot_accept_or_return_own_filing(self, scjg_admin, scjg):
        item = make_item(actor=scjg_admin, department=scjg)
        version = services.version_submit(actor=scjg_admin, version=item.versions.get())
        with pytest.raises(PermissionDenied):
            services.version_accept(actor=scjg_admin, version=version)
        with pytest.raises(PermissionDenied):
            services.version_return(actor=scjg_admin, version=version, reason="自己退回")
        version.refresh_from_db()
        assert version.status == S.FILING

    @pytest.mark.parametrize("persona", ["auditor", "scjg_approver"])
    def test_read_only_roles_cannot_review(self, request, persona, scjg_admin, scjg):
        item = make_item(actor=scjg_admin, department=scjg)
        version = services.version_submit(actor=scjg_admin, version=item.versions.get())
        with pytest.raises(PermissionDenied):
            services.version_accept(actor=request.getfixturevalue(persona), version=version)

    def test_other_department_cannot_touch_drafts(self, scjg_admin, wsjk_admin, scjg):
        item = make_item(actor=scjg_admin, department=scjg)
        version = item.versions.get()
        with pytest.raises(Http404):
            services.version_update_draft(actor=wsjk_admin, version=version, name="改名")
        with pytest.raises(Http404):
            services.version_submit(actor=wsjk_admin, version=version)
        with pytest.raises(Http404):
            services.item_retire(actor=wsjk_admin, item=item, reason="不需要")

    def test_workflow_is_audited(self, scjg_admin, coordinator, scjg):
        item = make_item(actor=scjg_admin, department=scjg)
        v1 = item.versions.get()
        services.version_submit(actor=scjg_admin, version=v1)
        services.version_return(actor=coordinator, version=v1, reason="请补充检查表")
        services.version_update_draft(actor=scjg_admin, version=v1, name="食品经营监督检查（修订）")
        services.version_submit(actor=scjg_admin, version=v1)
        services.version_accept(actor=coordinator, version=v1)
        actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
        assert actions == [
            "catalog.item.create",
            "catalog.version.create",
            "catalog.version.submit",
            "catalog.version.return",
            "catalog.version.update",
            "catalog.version.submit",
            "catalog.version.accept",
            "catalog.item.publish",
        ]
        update = AuditEntry.objects.get(action="catalog.version.update")
        assert update.before == {"name": "食品经营者食品安全监督检查", "status": "returned"}
        assert update.after == {"name": "食品经营监督检查（修订）", "status": "draft"}
        returned = AuditEntry.objects.get(action="catalog.version.return")
        assert returned.after["review_note"] == "请补充检查表"
        assert returned.before["status"] == "filing"
        publish_entry = AuditEntry.objects.get(action="catalog.item.publish")
        assert publish_entry.before == {"current_version_id": None}
        assert publish_entry.after == {"current_version_id": v1.pk}
        assert first_chain_break() is None

    def test_update_without_change_writes_no_audit_entry(self, scjg_admin, scjg):
        item = make_item(actor=scjg_admin, department=scjg)
        before = AuditEntry.objects.count()
        services.version_update_draft(actor=scjg_admin, version=item.versions.get(), name="食品经营者食品安全监督检查")
        assert AuditEntry.objects.count() == before

    def test_update_checklist_is_audited(self, scjg_admin, scjg):
        item = make_item(actor=scjg_admin, department=scjg)
        services.version_update_draft(
            actor=scjg_admin, version=item.versions.get(), checklist=[{"text": "唯一的问题", "basis": "第一条"}]
        )
        entry = AuditEntry.objects.get(action="catalog.version.update")
        assert entry.after == {"checklist": [{"text": "唯一的问题", "basis": "第一条"}]}
        assert len(entry.before["checklist"]) == 2

    def test_supersede_is_audited(self, scjg_admin, coordinator, scjg):
        item = make_item(actor=scjg_admin, department=scjg)
        v1 = publish(item, actor=scjg_admin, coordinator=coordinator)
        services.version_new_draft(actor=scjg_admin, item=item)
        item.refresh_from_db()
        v2 = publish(item, actor=scjg_admin, coordinator=coordinator)
        entry = AuditEntry.objects.get(action="catalog.version.supersede")
        assert (entry.target_id, entry.before, entry.after) == (
            str(v1.pk),
            {"status": "published"},
            {"status": "superseded"},
        )
        assert AuditEntry.objects.filter(action="catalog.item.publish").order_by("seq").last().after == {
            "current_version_id": v2.pk
        }


class TestRetire:
    def test_retire_and_restore(self, scjg_admin, coordinator, scjg):
        item = make_item(actor=scjg_admin, department=scjg)
        publish(item, actor=scjg_admin, coordinator=coordinator)
        with pytest.raises(ValidationError) as exc_info:
            services.item_retire(actor=scjg_admin, item=item, reason="")
        assert exc_info.value.messages == ["停用原因不能为空。"]

        item = services.item_retire(actor=scjg_admin, item=item, reason="法规废止")
        assert item.retired_at is not None and item.retired_reason == "法规废止"
        assert item.versions.count() == 1  # nothing deleted
        with pytest.raises(ValidationError):
            services.version_new_draft(actor=scjg_admin, item=item)
        with pytest.raises(ValidationError):
            services.item_retire(actor=scjg_admin, item=item, reason="again")

        item = services.item_restore(actor=scjg_admin, item=item, reason="新法规重新规定")
        assert item.retired_at is None and item.retired_reason == ""
        entry = AuditEntry.objects.get(action="catalog.item.restore")
        assert entry.after["restore_reason"] == "新法规重新规定"
        assert entry.before["retired_reason"] == "法规废止"
        assert AuditEntry.objects.get(action="catalog.item.retire").after["retired_reason"] == "法规废止"

    def test_retired_item_drafts_cannot_be_filed(self, scjg_admin, scjg):
        item = make_item(actor=scjg_admin, department=scjg)
        services.item_retire(actor=scjg_admin, item=item, reason="合并到其他事项")
        with pytest.raises(ValidationError) as exc_info:
            services.version_submit(actor=scjg_admin, version=item.versions.get())
        assert "已停用" in exc_info.value.messages[0]

    def test_auditor_cannot_retire(self, scjg_admin, auditor, scjg):
        item = make_item(actor=scjg_admin, department=scjg)
        with pytest.raises(PermissionDenied):
            services.item_retire(actor=auditor, item=item, reason="审计不应能停用")


def test_item_kwargs_are_valid_for_import_reuse():
    """The plain validator the importer uses gives the same canonical values."""
    cleaned = services.clean_version_content(
        {k: v for k, v in item_kwargs(default_ratio="3%", methods="实地核查、书面检查").items() if k != "code"}
    )
    assert cleaned["default_ratio"] == Decimal("0.03")
    assert cleaned["methods"] == ["on_site", "document"]
