"""任务完成 (issue 13, item 12): a task is complete when every visit has a final result (or a
final not-carried-out record); the list published after the visits waits for it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from spotcheck.deadlines.completion import refuse_list_before_completion, task_completion
from spotcheck.draws import services
from spotcheck.draws.models import Task, Visit
from spotcheck.draws.publish_checks import list_publish_checks
from spotcheck.results.models import VisitResult
from tests.fixtures.deadlines import complete_visits, make_result

pytestmark = pytest.mark.django_db
AFTER_VISITS = Task.ListPublication.AFTER_VISITS


@pytest.fixture
def after_visits_task(make_task, run_ceremony):
    return run_ceremony(make_task(list_publication=AFTER_VISITS))


def test_the_check_is_registered_by_the_deadlines_app():
    assert refuse_list_before_completion in list_publish_checks()


def test_completion_counts_only_final_results_and_not_carried_out_records(after_visits_task, scjg_admin):
    visits = list(Visit.objects.filter(task=after_visits_task).order_by("pk"))
    assert len(visits) >= 3
    assert task_completion(after_visits_task) == (0, len(visits), False)
    make_result(visits[0], scjg_admin)  # confirmed
    make_result(visits[1], scjg_admin, status=VisitResult.Status.ENTERED)  # not yet confirmed: not done
    make_result(visits[2], scjg_admin, status=VisitResult.Status.APPROVED, not_carried_out=True)
    completion = task_completion(after_visits_task)
    assert completion == (2, len(visits), False) and completion.remaining == len(visits) - 2


def test_a_task_without_visits_is_not_complete(make_task):
    assert task_completion(make_task()) == (0, 0, False)


def test_publishing_the_list_is_refused_until_every_visit_is_done(after_visits_task, scjg_admin):
    visits = list(Visit.objects.filter(task=after_visits_task).order_by("pk"))
    for visit in visits[1:]:
        make_result(visit, scjg_admin)
    with pytest.raises(ValidationError) as refused:
        services.task_publish_list(actor=scjg_admin, task=after_visits_task)
    assert f"{len(visits)} 个检查中还有 1 个" in refused.value.messages[0]
    after_visits_task.refresh_from_db()
    assert after_visits_task.list_published_at is None
    make_result(visits[0], scjg_admin, not_carried_out=True)
    services.task_publish_list(actor=scjg_admin, task=after_visits_task)
    after_visits_task.refresh_from_db()
    assert after_visits_task.list_published_at is not None


def test_the_task_page_shows_completion_and_the_button_refuses_before(login, after_visits_task, scjg_admin):
    client = login(scjg_admin)
    page = client.get(reverse("draws:detail", args=[after_visits_task.pk])).content.decode()
    total = after_visits_task.visits.count()
    assert f'data-done="0" data-total="{total}" data-complete="false"' in page
    assert "完成后才能公开名单" in page
    response = client.post(reverse("draws:publish_list", args=[after_visits_task.pk]), follow=True)
    assert "任务尚未完成" in response.content.decode()
    after_visits_task.refresh_from_db()
    assert after_visits_task.list_published_at is None

    complete_visits(after_visits_task, scjg_admin)
    page = client.get(reverse("draws:detail", args=[after_visits_task.pk])).content.decode()
    assert f'data-done="{total}" data-total="{total}" data-complete="true"' in page
    client.post(reverse("draws:publish_list", args=[after_visits_task.pk]))
    after_visits_task.refresh_from_db()
    assert after_visits_task.list_published_at is not None


def test_the_api_refuses_too(login, after_visits_task, scjg_admin):
    client = login(scjg_admin)
    url = f"/api/v1/tasks/{after_visits_task.pk}/publish-list/"
    response = client.post(url, content_type="application/json")
    assert response.status_code == 400
    assert "任务尚未完成" in str(response.json())
