"""The result pages: the visit page's result block, the result page (its query count pinned),
the revisions page, a merged visit's links to the other visits."""

import pytest
from django.urls import reverse

from spotcheck.results import services
from tests.fixtures.results import result_data
from tests.fixtures.visits import link_inspector

pytestmark = pytest.mark.usefixtures("spring_2026")


def test_the_visit_page_shows_the_result_block(login, officers, approved, scjg_admin):
    url = reverse("inspections:visit_detail", args=[approved.pk])
    page = login(officers[0]).get(url).content.decode()
    assert 'id="visit-result"' in page and "尚未录入检查结果" in page and "录入检查结果" in page
    services.result_save(actor=officers[0], visit=approved, data=result_data(approved), base_revision=None)
    page = login(scjg_admin).get(url).content.decode()
    assert "待确认" in page and "确认 0/2" in page and "查看检查结果" in page
    assert reverse("results:edit", args=[approved.pk]) not in page  # not on the team


def test_the_result_page_query_count_does_not_grow(login, officers, approved, django_assert_num_queries):
    first, second = officers
    services.result_save(actor=first, visit=approved, data=result_data(approved), base_revision=None)
    services.result_confirm(actor=second, visit_result=approved.result, revision=1)
    client = login(first)
    url = reverse("results:visit", args=[approved.pk])
    client.get(url)
    # The session and user, the visit (access), the result, the task's items with their
    # questions (prefetched), the item results, the confirmations, the saver, the saver's
    # officer (api13: the badge is matched by officer), the team inspector, the merged visit: a
    # fixed number, whatever the number of items.
    with django_assert_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "1/2" in page and "市场检查员" in page and "1 未发现问题" in page and "是否取得有效的食品经营许可证" in page


def test_the_revisions_page_for_readers(login, officers, approved, auditor, wsjk_admin):
    services.result_save(actor=officers[0], visit=approved, data=result_data(approved), base_revision=None)
    services.result_save(
        actor=officers[0], visit=approved, data=result_data(approved, note="补充说明"), base_revision=1
    )
    url = reverse("results:revisions", args=[approved.pk])
    page = login(auditor).get(url).content.decode()
    assert "第 2 版" in page and "当前版本" in page and "补充说明" in page and "与上一版相比" in page
    assert login(wsjk_admin).get(url).status_code == 404


def test_no_result_yet_is_a_404_on_revisions_and_confirm(login, officers, approved):
    client = login(officers[0])
    assert client.get(reverse("results:revisions", args=[approved.pk])).status_code == 404
    assert client.post(reverse("results:confirm", args=[approved.pk]), {"revision": 1}).status_code == 404
    page = client.get(reverse("results:visit", args=[approved.pk])).content.decode()
    assert "尚未录入检查结果" in page


def test_a_merged_visit_links_to_the_other_visits(login, merged, scjg_inspector, coordinator):
    _merged_visit, (ours, theirs) = merged
    link_inspector(scjg_inspector, ours.members.first().inspector)
    page = login(scjg_inspector).get(reverse("results:visit", args=[ours.pk])).content.decode()
    assert "本次检查为合并检查" in page and reverse("results:visit", args=[theirs.pk]) in page
    assert theirs.task.code in page


def test_the_tasks_results_are_not_for_a_witness_or_one_teams_inspector(login, officers, approved, witness):
    """The task's results page lists every visit's result: a witness reads the task's record but
    not its results; an inspector reads their own visit's result, not the others' (404)."""
    url = reverse("results:task", args=[approved.task_id])
    assert login(witness).get(url).status_code == 404
    assert login(officers[0]).get(url).status_code == 404
    assert login(officers[0]).get(reverse("results:visit", args=[approved.pk])).status_code == 200
