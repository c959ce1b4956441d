import datetime as dt

from django.db import connection
from django.utils import timezone

from spotcheck.catalog import services as catalog_services
from tests.factories import InspectorFactory, make_item


def test_coordinator_sees_filings_waiting(login, coordinator, scjg_admin, scjg):
    item = make_item(actor=scjg_admin, department=scjg)
    catalog_services.version_submit(actor=scjg_admin, version=item.versions.get())
    body = login(coordinator).get("/work/").content.decode()
    assert "1 个事项版本待备案" in body and "/items/filings/" in body


def test_department_admin_sees_certificates_to_renew(login, scjg_admin, scjg, wsjk, django_assert_max_num_queries):
    today = timezone.localdate()
    InspectorFactory(department=scjg, certificate_expires_on=today - dt.timedelta(days=1))
    InspectorFactory(department=scjg, certificate_expires_on=today + dt.timedelta(days=10))
    InspectorFactory(department=wsjk, certificate_expires_on=today - dt.timedelta(days=1))  # not theirs
    client = login(scjg_admin)
    # One more for the tasks with results to publish (pub14); +2, the replies to review and the
    # complaints to answer (voice14).
    # PostgreSQL: the deadline counts' two planner settings (deadlines.selectors, dash13).
    with django_assert_max_num_queries(23 + (2 if connection.vendor == "postgresql" else 0)):
        body = client.get("/work/").content.decode()
    assert "1 名人员执法证已过期或缺失" in body
    assert "1 名人员执法证 30 天内到期" in body


def test_read_only_roles_get_no_write_todos(login, scjg_inspector, scjg):
    InspectorFactory(department=scjg, certificate_expires_on=timezone.localdate() - dt.timedelta(days=1))
    body = login(scjg_inspector).get("/work/").content.decode()
    assert "执法证已过期" not in body and "没有待办事项" in body


def test_the_coordinators_role_is_listed_under_the_joint_office(login, coordinator, scjg_admin):
    body = login(coordinator).get("/work/").content.decode()
    assert "联席会议办公室（设在溧阳市市场监督管理局） · 联席办协调员" in body
    body = login(scjg_admin).get("/work/").content.decode()
    assert "<li>溧阳市市场监督管理局 · 部门管理员</li>" in body
