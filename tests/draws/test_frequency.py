"""无事不扰: the region's yearly cap on draws per object, all departments together — set by the
coordinator (audited), applied when a pool is frozen (reason ``yearly_cap``), published."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from spotcheck.audit.models import AuditEntry
from spotcheck.draws import frequency
from spotcheck.draws.models import PoolExclusionGroup
from spotcheck.draws.selectors import pool_exclusions
from tests.factories import MembershipFactory, UserFactory


def test_the_coordinator_sets_the_cap_and_it_is_audited(coordinator, scjg_admin, county):
    rule = frequency.frequency_rule_set(actor=coordinator, max_draws_per_year=2)
    assert (rule.region, rule.max_draws_per_year, rule.updated_by) == (county, 2, coordinator)
    frequency.frequency_rule_set(actor=coordinator, max_draws_per_year=None)
    entries = list(AuditEntry.objects.filter(action="draws.frequency_rule.set").order_by("pk"))
    assert [(e.before["max_draws_per_year"], e.after["max_draws_per_year"]) for e in entries] == [(None, 2), (2, None)]
    with pytest.raises(PermissionDenied):
        frequency.frequency_rule_set(actor=scjg_admin, max_draws_per_year=1)
    for bad in (0, 53, True):
        with pytest.raises(ValidationError):
            frequency.frequency_rule_set(actor=coordinator, max_draws_per_year=bad)


def test_a_revoked_coordinator_sets_no_cap(scjg):
    # Still on staff (an inspector), no longer the coordinator: the cap is not theirs to set.
    former = UserFactory(username="former_coordinator")
    MembershipFactory(user=former, department=scjg, role="coordinator", is_active=False)
    MembershipFactory(user=former, department=scjg, role="inspector")
    with pytest.raises(PermissionDenied):
        frequency.frequency_rule_set(actor=former, max_draws_per_year=1)


@pytest.mark.parametrize(("cap", "excluded"), [(1, 12), (2, 0), (None, 0)])
def test_objects_at_the_cap_are_left_out_of_later_pools(coordinator, scjg_task, make_wsjk_task, cap, excluded):
    # 市场监管 drew all twelve objects; 卫健 (another item, another department) freezes next.
    frequency.frequency_rule_set(actor=coordinator, max_draws_per_year=cap)
    task = make_wsjk_task(draw=False)
    rows = pool_exclusions(task, PoolExclusionGroup.Reason.YEARLY_CAP)
    assert len(rows) == excluded
    assert task.frozen_pool.member_count == 12 - excluded
    if excluded:
        assert {r.detail for r in rows} == {"近 365 天内已被抽中 1 次及以上"}
        assert {r.inspection_object_id for r in rows} == set(
            scjg_task.visits.values_list("inspection_object_id", flat=True)
        )


def test_the_rule_page_and_the_portal(login, client, coordinator, scjg_admin):
    url = reverse("draws:frequency_rule")
    body = login(scjg_admin).get(url).content.decode()
    assert "不限" in body and "只读" in body
    assert login(scjg_admin).post(url, {"max_draws_per_year": "1"}).status_code == 403
    page = login(coordinator)
    response = page.post(url, {"max_draws_per_year": "0"})
    assert response.status_code == 200 and "max_draws_per_year" in response.content.decode()
    response = page.post(url, {"max_draws_per_year": "2"}, follow=True)
    body = response.content.decode()
    assert "已保存无事不扰规则" in body and "2 次（各部门合计）" in body
    assert AuditEntry.objects.filter(action="draws.frequency_rule.set").count() == 1
    client.logout()
    body = client.get(reverse("portal:index")).content.decode()
    assert "每个检查对象每年最多被抽中 2 次（各部门合计" in body
