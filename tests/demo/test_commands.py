"""demo_data and demo_logins as `make demo` runs them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpRequest

from spotcheck.accounts.models import Membership
from spotcheck.audit.models import AuditAnchor, AuditEntry
from spotcheck.bulkdata.models import BulkFile
from spotcheck.demo.accounts import DEMO_PASSWORD
from spotcheck.demo.logins import demo_logins
from spotcheck.directory.models import InspectionObject

pytestmark = pytest.mark.django_db


def _run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_demo_data_then_if_empty_again(db):
    output = _run("demo_data", "--objects", "120", "--inspectors", "12", "--seed", "7", "--batch-size", "50")
    assert "检查对象 120/120" in output and "演示数据已生成" in output
    assert InspectionObject.objects.count() == 120
    assert set(AuditEntry.objects.filter(action="demo.load").values_list("source", flat=True)) == {"cli"}
    entries = AuditEntry.objects.count()
    # Anchored once loaded, so the demo's portal shows an anchor without the daily timer.
    anchor = AuditAnchor.objects.get()
    assert anchor.seq == AuditEntry.objects.order_by("-seq").first().seq and "审计日志已锚定" in output
    # bulk14: the open-data files are there without the daily timer too.
    assert "开放数据文件" in output and BulkFile.objects.filter(kind="plans").exists()

    again = _run("demo_data", "--objects", "120", "--inspectors", "12", "--if-empty")
    assert "未做任何改动" in again
    assert InspectionObject.objects.count() == 120 and AuditEntry.objects.count() == entries
    with pytest.raises(CommandError, match="已经存在"):
        _run("demo_data", "--objects", "5")


def test_demo_logins_prints_one_working_login_per_role(demo, client):
    output = _run("demo_logins")
    logins = demo_logins()
    assert [login.role for login in logins] == [
        "coordinator",
        "dept_admin",
        "inspector",
        "approver",
        "witness",
        "auditor",
        "sysadmin",
    ]
    for login in logins:
        assert login.password == DEMO_PASSWORD
        assert login.username in output and login.role_label in output
        assert client.login(request=HttpRequest(), username=login.username, password=login.password), login.username
        response = client.get("/")
        assert response.status_code == 200, login.username
        client.logout()
    assert DEMO_PASSWORD in output


def test_every_department_has_admin_and_approver(demo):
    roles = set(Membership.objects.values_list("department__code", "role"))
    for code in ("SCJG", "WSJK", "YJGL", "ZJ", "STHJ", "NYNC", "JT", "WGL", "GA", "HG"):
        assert {(code, "dept_admin"), (code, "approver"), (code, "inspector")} <= roles


def test_changed_password_is_flagged(demo):
    user = Membership.objects.get(role="auditor").user
    user.set_password("something-else-2026")
    user.save(update_fields=["password"])
    output = _run("demo_logins")
    assert "已修改" in output


def test_demo_logins_without_demo(db):
    assert "还没有演示账号" in _run("demo_logins")
