"""The portal's page per enterprise (issue 14, item 2): every published result of the object,
with 后续处置 where public (its kind and whether it is finished — never its note or case
number); only for an object with a published result."""

import pytest
from django.urls import reverse

from spotcheck.followups import services as followups
from spotcheck.publication import services
from spotcheck.results import services as result_services
from tests.fixtures.results import result_data

pytestmark = pytest.mark.usefixtures("spring_2026")


@pytest.fixture
def problem_result(result_officers, result_approved):
    first, second = result_officers
    result = result_services.result_save(
        actor=first, visit=result_approved, data=result_data(result_approved, codes=("A", "D")), base_revision=None
    )
    for user in (second, first):
        result_services.result_confirm(actor=user, visit_result=result, revision=1)
    result.refresh_from_db()
    return result


def test_the_page_gathers_published_results_and_public_followups(problem_result, scjg_admin, client):
    item = problem_result.items.get()
    followups.followup_open(
        actor=scjg_admin, item_result=item, kind="refer", case_number="SECRET-CASE-42", note="内部说明 MARKER-NOTE"
    )
    obj = problem_result.visit.inspection_object
    url = reverse("portal:enterprise", args=[obj.public_code])
    assert client.get(url).status_code == 404  # nothing published yet
    services.results_publish(actor=scjg_admin, task=problem_result.visit.task)
    page = client.get(url).content.decode()
    assert obj.name in page and problem_result.visit.task.lead_department.name in page
    assert "发现问题待后续处理" in page and "移送办案机构（处置中）" in page
    assert "SECRET-CASE-42" not in page and "MARKER-NOTE" not in page
    assert obj.address not in page or not obj.address
    # The notice links to the page.
    notice = problem_result.visit.task.result_notice
    assert url in client.get(reverse("portal:result_notice", args=[notice.pk])).content.decode()


def test_odd_codes_are_404(client, db):
    for code in ("nope", "²", "x" * 500, "%00"):
        assert client.get(f"/public/enterprises/{code}/").status_code == 404
