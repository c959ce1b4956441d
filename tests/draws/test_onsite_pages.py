"""The pages of the on-site cap per body (i13-onsite): the caps and statistics on 无事不扰规则, a
department's cap set by the coordinator, the over-cap list with 已阅 and withdrawal, the home
page's 待办 and the portal."""

import pytest
from django.urls import reverse
from django.utils import timezone

from spotcheck.audit.models import AuditEntry
from spotcheck.draws import onsite
from spotcheck.draws.models import DepartmentOnSiteCap, OnSiteInspection
from tests.draws.onsite_support import earlier
from tests.factories import DepartmentFactory, MembershipFactory, RegionFactory, UserFactory


@pytest.fixture
def over_cap_row(scjg_task, scjg, scjg_admin, scjg_inspector):
    """A check-in of 市场监管 over its cap of 2, with its reason."""
    visit = scjg_task.visits.order_by("pk").first()
    earlier(visit.inspection_object, scjg, scjg_admin, 10)
    earlier(visit.inspection_object, scjg, scjg_admin, 20)
    (row,) = onsite.onsite_inspection_record(
        actor=scjg_inspector, visit=visit, inspected_at=timezone.now(), over_cap_reason="举报线索复查"
    )
    return row


@pytest.fixture
def other_coordinator(db):
    region = RegionFactory(code="320482", name="金坛区", level="county", parent=None)
    user = UserFactory(username="other_coordinator")
    MembershipFactory(user=user, department=DepartmentFactory(code="JT-SCJG", region=region), role="coordinator")
    return user


def test_the_rules_page_lists_every_department_with_its_cap(login, scjg_admin, coordinator, scjg, wsjk, over_cap_row):
    onsite.onsite_cap_set(actor=coordinator, department=wsjk, max_per_year=None)
    url = reverse("draws:frequency_rule")
    body = login(scjg_admin).get(url).content.decode()
    assert "现场检查年度上限（各部门）" in body and "默认 2 次" in body
    assert scjg.name in body and wsjk.name in body and "不限" in body
    assert reverse("draws:onsite_cap", args=[scjg.pk]) not in body  # read-only for a department
    body = login(coordinator).get(url).content.decode()
    assert reverse("draws:onsite_cap", args=[wsjk.pk]) in body
    # The year's statistics: 市场监管 inspected one object three times, one of them over the cap.
    year = timezone.localdate().year
    body = login(coordinator).get(url, {"year": str(year)}).content.decode()
    assert f"{year} 年现场检查统计" in body
    for odd in ("abc", "99999", "-1", "2026.5"):
        assert login(coordinator).get(url, {"year": odd}).status_code == 200


def test_a_witness_is_not_led_to_the_records(login, witness, over_cap_row):
    """The records are departments' working data: a witness-only user reads the caps, gets no
    link to the records and a 404 there, as the public."""
    body = login(witness).get(reverse("draws:frequency_rule")).content.decode()
    assert "现场检查年度上限（各部门）" in body and reverse("draws:onsite_over_cap") not in body
    assert login(witness).get(reverse("draws:onsite_over_cap")).status_code == 404


def test_the_coordinator_sets_a_departments_cap(login, coordinator, wsjk):
    url = reverse("draws:onsite_cap", args=[wsjk.pk])
    page = login(coordinator)
    assert page.get(url).status_code == 200
    response = page.post(url, {"mode": "own", "max_per_year": ""})
    assert response.status_code == 200 and "请填写本部门每年最多现场检查次数" in response.content.decode()
    for bad in ({"mode": "own", "max_per_year": "abc"}, {"mode": "own", "max_per_year": "53"}, {"mode": "x"}, {}):
        assert page.post(url, bad).status_code == 200
    assert not DepartmentOnSiteCap.objects.exists()
    response = page.post(url, {"mode": "own", "max_per_year": "3"}, follow=True)
    assert "已保存溧阳市卫生健康委员会的现场检查年度上限" in response.content.decode()
    assert onsite.cap_of(wsjk) == 3
    page.post(url, {"mode": "none"})
    assert onsite.cap_of(wsjk) is None
    page.post(url, {"mode": "default", "max_per_year": "9"})
    assert onsite.cap_of(wsjk) == 2
    assert AuditEntry.objects.filter(action="draws.onsite_cap.set").count() == 3


@pytest.mark.parametrize("persona", ["scjg_admin", "wsjk_admin", "auditor", "scjg_inspector", "witness"])
def test_others_on_staff_get_403(request, login, persona, wsjk):
    page = login(request.getfixturevalue(persona))
    url = reverse("draws:onsite_cap", args=[wsjk.pk])
    assert page.get(url).status_code == 403
    assert page.post(url, {"mode": "own", "max_per_year": "1"}).status_code == 403
    assert not DepartmentOnSiteCap.objects.exists()


def test_another_regions_coordinator_and_strangers_get_404(login, client, other_coordinator, nobody, wsjk, coordinator):
    url = reverse("draws:onsite_cap", args=[wsjk.pk])
    assert login(other_coordinator).post(url, {"mode": "own", "max_per_year": "1"}).status_code == 404
    assert login(nobody).get(url).status_code == 404
    assert login(coordinator).get(reverse("draws:onsite_cap", args=[999999])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    assert not DepartmentOnSiteCap.objects.exists()


def test_the_over_cap_list_and_the_coordinators_todo(login, coordinator, scjg_admin, wsjk_admin, over_cap_row):
    home = login(coordinator).get(reverse("web:home")).content.decode()
    assert "1 次超上限现场检查待阅" in home
    url = reverse("draws:onsite_over_cap")
    body = login(coordinator).get(url, {"state": "review"}).content.decode()
    assert "举报线索复查" in body and reverse("draws:onsite_review", args=[over_cap_row.pk]) in body
    assert "举报线索复查" in login(scjg_admin).get(url).content.decode()  # its own department's
    assert "举报线索复查" not in login(wsjk_admin).get(url).content.decode()
    assert login(scjg_admin).post(reverse("draws:onsite_review", args=[over_cap_row.pk])).status_code == 403
    assert login(wsjk_admin).post(reverse("draws:onsite_review", args=[over_cap_row.pk])).status_code == 404
    response = login(coordinator).post(reverse("draws:onsite_review", args=[over_cap_row.pk]), {"next": url})
    assert response.status_code == 302 and response["Location"] == url
    over_cap_row.refresh_from_db()
    assert over_cap_row.reviewed_by == coordinator
    assert "超上限现场检查待阅" not in login(coordinator).get(reverse("web:home")).content.decode()
    assert "举报线索复查" not in login(coordinator).get(url, {"state": "review"}).content.decode()


def test_odd_list_parameters_are_no_error(login, coordinator, over_cap_row):
    for url in (reverse("draws:onsite_over_cap"), reverse("draws:onsite_list")):
        for params in ({"department": "abc", "year": "99999", "state": "x", "page": "zz"}, {"department": "²"}):
            assert login(coordinator).get(url, params).status_code == 200


def test_withdrawal_through_the_list(login, scjg_admin, wsjk_admin, scjg_inspector, over_cap_row, witness):
    url = reverse("draws:onsite_withdraw", args=[over_cap_row.pk])
    assert login(wsjk_admin).post(url, {"reason": "误登记"}).status_code == 404  # another department
    assert login(witness).post(url, {"reason": "误登记"}).status_code == 404  # no working data
    assert login(scjg_inspector).post(url, {"reason": "误登记"}).status_code == 403  # reads, does not write
    assert login(scjg_admin).get(url).status_code == 405
    login(scjg_admin).post(url, {"reason": ""})
    assert OnSiteInspection.objects.get(pk=over_cap_row.pk).withdrawn_at is None
    response = login(scjg_admin).post(url, {"reason": "误登记", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("draws:onsite_list")
    row = OnSiteInspection.objects.get(pk=over_cap_row.pk)
    assert (row.withdrawn_by, row.withdrawn_reason) == (scjg_admin, "误登记")
    body = login(scjg_admin).get(reverse("draws:onsite_list"), {"state": "withdrawn"}).content.decode()
    assert "已撤回" in body and "误登记" in body


def test_the_portal_publishes_the_caps(client, coordinator, wsjk):
    onsite.onsite_cap_set(actor=coordinator, department=wsjk, max_per_year=3)
    body = client.get(reverse("portal:index")).content.decode()
    assert "同一部门对同一企业每年现场检查不超过 2 次" in body
    assert "溧阳市 溧阳市卫生健康委员会：每年最多现场检查 3 次" in body
