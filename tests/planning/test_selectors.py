from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from spotcheck.accounts.scope import scope_for
from spotcheck.planning import services
from spotcheck.planning.selectors import plans_for_scope, published_plans


def test_published_plans_only_for_the_public(draft_plan, published_plan):
    assert list(published_plans()) == [published_plan]


def test_draft_is_not_public(draft_plan):
    assert not published_plans().exists()


def test_region_wide_roles_read_every_plan(draft_plan, coordinator, auditor, wsjk_admin, nobody):
    assert list(plans_for_scope(scope_for(coordinator))) == [draft_plan]
    assert list(plans_for_scope(scope_for(auditor))) == [draft_plan]
    assert not plans_for_scope(scope_for(wsjk_admin)).exists()
    assert not plans_for_scope(scope_for(nobody)).exists()


def test_detail_page_query_count_does_not_grow_with_strata(login, scjg_admin, draft_plan):
    client = login(scjg_admin)
    url = reverse("planning:detail", args=[draft_plan.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    entry = draft_plan.entries.get()

    services.stratum_add(actor=scjg_admin, entry=entry, name="高风险", ratio="1", filter={"risk_levels": ["high"]})
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(second) == len(first)
