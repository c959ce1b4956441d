"""The audit log reads in Chinese (issue 12, item 7): actions by their Chinese names, a list to
filter them by, targets by their names (the deleted ones said so), codes nowhere a person reads;
and every action code the code writes has a label in the one registry (spotcheck/audit/actions.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spotcheck.audit.actions import ACTION_LABELS, action_label
from spotcheck.audit.services import audit_record
from tests.factories.accounts import RegionFactory
from tests.factories.directory import InspectionObjectFactory

SPOTCHECK = Path(__file__).resolve().parents[2] / "spotcheck"


def visible(response) -> str:
    """The page's text as a person reads it (the codes may stay in option values)."""
    return re.sub(r"<[^>]+>", " ", response.content.decode())


@pytest.fixture
def trail(scjg_admin):
    obj = InspectionObjectFactory(name="溧阳市锦美餐饮有限公司")
    audit_record(actor=scjg_admin, action="directory.object.update", target=obj, before={"a": 1}, after={"a": 2})
    region = RegionFactory(code="320481199", name="旧城镇", level="town")
    audit_record(actor=scjg_admin, action="accounts.region.update", target=region)
    region_pk = region.pk
    region.delete()
    audit_record(actor=scjg_admin, action="accounts.user.set_password", target=scjg_admin)
    return {"object": obj, "region_pk": region_pk}


def test_actions_and_targets_are_named_in_chinese(login, auditor, trail):
    body = visible(login(auditor).get("/audit/"))
    # The login of the auditor itself (the signal's entry) reads 登录.
    assert "登录" in body
    assert "修改检查对象" in body and "重设密码" in body
    for code in ("directory.object.update", "accounts.user.set_password", "auth.login"):
        assert code not in body
    # Targets by name, with their kind; no type#id codes.
    assert "溧阳市锦美餐饮有限公司" in body and "市场监管 王管理" in body
    assert "accounts.user#" not in body and "directory.inspectionobject#" not in body
    assert "已删除的" in body and "旧城镇" in body


def test_detail_names_action_and_target(login, auditor, trail):
    client = login(auditor)
    body = visible(client.get("/audit/1/"))
    assert "修改检查对象" in body and "溧阳市锦美餐饮有限公司" in body
    assert "directory.object.update" not in body and "directory.inspectionobject#" not in body


def test_action_filter_is_a_list_of_chinese_names(login, auditor, trail):
    client = login(auditor)
    body = client.get("/audit/").content.decode()
    assert re.search(r'<select name="action"', body)
    assert '<option value="draws.task.draw">抽取</option>' in body
    assert "导出检查对象" in body
    rows = visible(client.get("/audit/?action=directory.object.update")).split("校验哈希链")[1]
    assert "溧阳市锦美餐饮有限公司" in rows and "重设密码" not in rows
    # A whole group (an app's actions) at once.
    rows = visible(client.get("/audit/?action=accounts")).split("校验哈希链")[1]
    assert "重设密码" in rows and "溧阳市锦美餐饮有限公司" not in rows
    # A code that is no action is refused with the field named, not a 500.
    response = client.get("/audit/?action=nonsense")
    assert response.status_code == 200 and "操作" in response.content.decode()


def test_target_names_cost_one_query_per_kind(login, auditor, scjg_admin):
    client = login(auditor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/audit/").status_code == 200
        return len(ctx.captured_queries)

    objects = [InspectionObjectFactory(name=f"溧阳市对象{i}有限公司") for i in range(2)]
    for obj in objects:
        audit_record(actor=scjg_admin, action="directory.object.update", target=obj)
    few = queries()
    for i in range(2, 12):
        obj = InspectionObjectFactory(name=f"溧阳市对象{i}公司")
        audit_record(actor=scjg_admin, action="directory.object.update", target=obj)
    assert queries() == few


# --- every action code written anywhere has a label ---------------------------------------------

APPS = r"(auth|accounts|audit|workdays|catalog|planning|draws|inspections|directory|inspectors|imports|demo)"
CODE = re.compile(rf"^{APPS}\.[a-z_]+(\.[a-z_]+)?$")


def _written_codes() -> tuple[set[str], set[str]]:
    """Literal action codes (the ``action`` argument of any call, the positional arguments of the
    apps' audit helpers, module constants named *ACTION*) and f-string patterns of action codes."""
    literals: set[str] = set()
    patterns: set[str] = set()

    def take(node: ast.AST) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value):
            literals.add(node.value)
        elif isinstance(node, ast.JoinedStr):
            parts = [re.escape(v.value) if isinstance(v, ast.Constant) else r"[a-z_.]+" for v in node.values]
            patterns.add("".join(parts))

    for path in SPOTCHECK.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        take(keyword.value)
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
                if "audit" in name:
                    for arg in node.args:
                        take(arg)
            elif isinstance(node, ast.Assign) and any("ACTION" in getattr(t, "id", "") for t in node.targets):
                take(node.value)
    return literals, patterns


def test_every_written_action_code_has_a_label():
    literals, patterns = _written_codes()
    assert "draws.task.draw" in literals and "planning.plan.create" in literals  # the scan sees them
    missing = sorted(literals - set(ACTION_LABELS))
    assert not missing, f"add these to spotcheck/audit/actions.py: {missing}"
    for pattern in patterns:
        assert any(re.fullmatch(pattern, code) for code in ACTION_LABELS), f"no label matches {pattern}"


@pytest.mark.django_db
def test_the_dynamic_codes_have_labels():
    from spotcheck.imports.models import ImportJob

    for kind in ImportJob.Kind.values:
        for step in ("import", "reject", "export"):
            assert f"imports.{kind}.{step}" in ACTION_LABELS
    # The reference data a system admin edits in the Django admin (accounts.services.reference_save).
    for model in admin.site._registry:
        if model._meta.app_label == "accounts":
            for step in ("create", "update"):
                assert f"{model._meta.label_lower}.{step}" in ACTION_LABELS


def test_unknown_code_falls_back_to_itself():
    assert action_label("draws.task.draw") == "抽取"
    assert action_label("someday.new.thing") == "someday.new.thing"


def test_target_kind_filter_is_a_list(login, auditor, trail):
    client = login(auditor)
    body = client.get("/audit/").content.decode()
    assert '<select name="target_type"' in body
    assert '<option value="directory.inspectionobject">检查对象</option>' in body
    rows = visible(client.get("/audit/?target_type=accounts.user")).split("校验哈希链")[1]
    assert "重设密码" in rows and "溧阳市锦美餐饮有限公司" not in rows


def test_detail_names_the_changed_fields(login, auditor, scjg_admin):
    obj = InspectionObjectFactory(name="溧阳市锦美餐饮有限公司")
    entry = audit_record(
        actor=scjg_admin,
        action="directory.object.update",
        target=obj,
        before={"name": "旧名", "reason": "更名"},
        after={"name": "溧阳市锦美餐饮有限公司"},
    )
    body = visible(login(auditor).get(f"/audit/{entry.seq}/"))
    assert "名称" in body and "旧名" in body
    # A key that is no field of the model stays as it is written.
    assert "reason" in body
