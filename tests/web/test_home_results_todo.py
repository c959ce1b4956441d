"""The home page's 待办 after the visit (e2e13): the second officer learns that a result waits
for confirmation, the approver that a task's confirmed results wait for approval — where the
department asks for it; each links to a list of exactly those things."""

import pytest
from django.urls import reverse

from spotcheck.results import services
from tests.factories import MembershipFactory, UserFactory
from tests.fixtures.results import result_data
from tests.web.test_home_todo import _links

pytestmark = pytest.mark.usefixtures("spring_2026")
HOME = "/"


@pytest.fixture
def entered(result_officers, result_approved):
    """The result of ``result_approved`` saved by the first officer: (result, first, second)."""
    first, second = result_officers
    result = services.result_save(
        actor=first, visit=result_approved, data=result_data(result_approved), base_revision=None
    )
    return result, first, second


def test_officers_see_the_result_to_confirm_until_it_is_complete(login, entered):
    result, first, second = entered
    client = login(second)
    href = _links(client.get(HOME).content.decode())["1项检查的结果待确认"]
    assert href == f"{reverse('inspections:my_visits')}?state=to_confirm"
    listed = client.get(href).content.decode()
    assert (
        listed.count('<tr class="visit">') == 1
        and reverse("inspections:visit_detail", args=[result.visit_id]) in listed
    )

    services.result_confirm(actor=first, visit_result=result, revision=1)
    services.result_confirm(actor=second, visit_result=result, revision=1)
    assert "结果待确认" not in login(second).get(HOME).content.decode()
    assert "结果待确认" not in login(first).get(HOME).content.decode()


def test_the_approver_sees_the_task_whose_results_wait_for_approval(login, entered, scjg, scjg_approver, wsjk):
    wsjk_approver = UserFactory(username="wsjk_approver")
    MembershipFactory(user=wsjk_approver, department=wsjk, role="approver")
    result, first, second = entered
    task = result.visit.task
    for officer in (first, second):
        services.result_confirm(actor=officer, visit_result=result, revision=1)
    todo = f"检查结果待审批：{task.code}{task.title}".replace(" ", "")
    # 市场监管 does not ask for approval: a confirmed result is final, nothing waits.
    assert todo not in _links(login(scjg_approver).get(HOME).content.decode())

    scjg.results_need_approval = True
    scjg.save(update_fields=["results_need_approval"])
    client = login(scjg_approver)
    href = _links(client.get(HOME).content.decode())[todo]
    assert href == reverse("results:task", args=[task.pk])
    assert "审批全部已确认的检查结果（1 个）" in client.get(href).content.decode()
    assert "检查结果待审批" not in login(wsjk_approver).get(HOME).content.decode()  # another department's

    services.result_approve(actor=scjg_approver, task=task)
    assert "检查结果待审批" not in login(scjg_approver).get(HOME).content.decode()
