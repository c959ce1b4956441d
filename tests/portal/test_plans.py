"""Published annual plans on the portal: only what was published, without staff names."""

import pytest
from django.urls import reverse

from spotcheck.planning import services
from spotcheck.planning.models import PlanStratum
from tests.factories import entry_kwargs

pytestmark = pytest.mark.django_db


def test_draft_plan_is_not_public(public, draft_plan):
    assert public.get(reverse("portal:plan_detail", args=[draft_plan.pk])).status_code == 404
    page = public.get(reverse("portal:plan_list")).content.decode()
    assert draft_plan.title not in page


def test_plan_under_review_is_not_public(public, draft_plan, scjg_admin, scjg_approver, coordinator):
    services.plan_submit(actor=scjg_admin, plan=draft_plan)
    services.plan_approve(actor=scjg_approver, plan=draft_plan)
    services.plan_file(actor=coordinator, plan=draft_plan)
    assert public.get(reverse("portal:plan_detail", args=[draft_plan.pk])).status_code == 404


def test_published_plan_shows_entries_strata_and_ratios(public, published_plan, scjg_item, scjg):
    assert published_plan.title in public.get(reverse("portal:plan_list")).content.decode()
    assert published_plan.title in public.get(reverse("portal:index")).content.decode()
    response = public.get(reverse("portal:plan_detail", args=[published_plan.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    entry = published_plan.entries.get()
    assert entry.code in page and entry.name in page
    assert scjg_item.code in page and scjg.name in page
    assert "2027-03-01" in page and "2027-10-31" in page
    for stratum in entry.strata.all():
        assert stratum.name in page
    assert "5%" in page and "100%" in page  # the default credit strata (A 5% … D 100%)
    assert "公布" in page
    # No staff navigation, no staff names.
    assert reverse("directory:list") not in page
    assert "王管理" not in page and "周协调" not in page and "赵领导" not in page


def test_adjustments_show_revision_and_reason(public, published_plan, scjg_admin):
    stratum = PlanStratum.objects.filter(entry__plan=published_plan).order_by("position").first()
    services.stratum_update(
        actor=scjg_admin,
        stratum=stratum,
        name=stratum.name,
        filter=stratum.filter,
        ratio="0.08",
        reason="根据上年抽查结果提高比例",
    )
    page = public.get(reverse("portal:plan_detail", args=[published_plan.pk])).content.decode()
    assert "根据上年抽查结果提高比例" in page
    assert "第 1 次调整" in page
    assert "8%" in page
    assert "王管理" not in page


def test_entry_withdrawn_by_adjustment(public, published_plan, scjg_admin, scjg_item, scjg):
    kwargs = entry_kwargs(published_plan, [scjg_item], scjg, code="E2", name="临时增加的专项抽查", notes="内部备注")
    entry = services.entry_add(actor=scjg_admin, plan=published_plan, reason="上级部署专项抽查", **kwargs)
    page = public.get(reverse("portal:plan_detail", args=[published_plan.pk])).content.decode()
    assert "临时增加的专项抽查" in page and "上级部署专项抽查" in page
    assert "内部备注" not in page
    services.entry_remove(actor=scjg_admin, entry=entry, reason="专项任务取消")
    page = public.get(reverse("portal:plan_detail", args=[published_plan.pk])).content.decode()
    assert "调整中撤销的条目" in page and "专项任务取消" in page
    assert "第 2 次调整" in page


def test_retired_draft_plan_stays_hidden(public, draft_plan, scjg_admin):
    services.plan_retire(actor=scjg_admin, plan=draft_plan, reason="重新编制")
    assert public.get(reverse("portal:plan_detail", args=[draft_plan.pk])).status_code == 404


def test_plan_detail_query_count(public, published_plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert public.get(reverse("portal:plan_detail", args=[published_plan.pk])).status_code == 200
