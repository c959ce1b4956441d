"""The portal search's tables follow the publication services (search14): a publication adds
the object's rows, a correction replaces them, a withdrawal removes the result's rows but keeps
the object findable (its page shows the withdrawal); the migration's backfill builds the same
rows for results published before it."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spotcheck.publication import search_index, services
from spotcheck.publication.models import PublicObject, PublicObjectResult, PublishedResult
from spotcheck.publication.search_index import fragment_bigrams, name_bigrams
from spotcheck.results.models import VisitResult
from tests.fixtures.deadlines import complete_visits
from tests.publication.conftest import correct

pytestmark = pytest.mark.usefixtures("spring_2026")


def _rows(obj_id):
    return sorted(
        PublicObjectResult.objects.filter(public_object_id=obj_id).values_list(
            "department__code", "completed_on", "problem_found", "code"
        )
    )


def test_bigrams():
    assert name_bigrams("溧阳 Ab店") == " AB B店 溧阳 "
    assert fragment_bigrams("ab") == ["AB"]
    assert fragment_bigrams("a b") == []


def test_publish_correct_and_withdraw_keep_the_rows(final_result, officers, scjg_admin):
    obj = final_result.visit.inspection_object
    assert not PublicObject.objects.filter(pk=obj.pk).exists()
    services.results_publish(actor=scjg_admin, task=final_result.visit.task)
    entry = PublicObject.objects.get(pk=obj.pk)
    assert (entry.name, entry.uscc, entry.result_count, entry.problem_found) == (obj.name, obj.uscc, 1, False)
    assert [r[2:] for r in _rows(obj.pk)] == [(False, "1")]

    corrected = correct(final_result, officers, codes=("A", "D"))
    services.result_publication_correct(actor=scjg_admin, visit_result=corrected, reason="复核发现问题")
    entry.refresh_from_db()
    assert (entry.result_count, entry.problem_found) == (1, True)
    assert [r[2:] for r in _rows(obj.pk)] == [(True, "A"), (True, "D")]

    shown = PublishedResult.objects.get(visit_result=final_result, state="current")
    services.result_publication_withdraw(actor=scjg_admin, published=shown, reason="决定被撤销")
    entry.refresh_from_db()
    assert (entry.result_count, entry.problem_found) == (0, False)
    assert _rows(obj.pk) == []


def test_the_backfill_builds_the_same_rows(final_result, scjg_admin):
    obj = final_result.visit.inspection_object
    services.results_publish(actor=scjg_admin, task=final_result.visit.task)
    before = (list(PublicObject.objects.values()), _rows(obj.pk))
    PublicObjectResult.objects.all().delete()
    PublicObject.objects.all().delete()
    migration = importlib.import_module("spotcheck.publication.migrations.0002_public_search")
    migration.backfill(apps, None)  # it reads models only, never the schema editor
    assert (list(PublicObject.objects.values()), _rows(obj.pk)) == before


# ------------------------------------------------------------------------------------- scale14


@pytest.fixture
def twelve_published(scjg_task, scjg_admin):
    """Every visit of 市场监管's task done and published: twelve objects in one notice."""
    complete_visits(scjg_task, scjg_admin)
    return services.results_publish(actor=scjg_admin, task=scjg_task)


def _snapshot():
    objects = sorted(PublicObject.objects.values_list(*[f.attname for f in PublicObject._meta.concrete_fields]))
    results = sorted(
        PublicObjectResult.objects.values_list(
            "public_object_id", "department_id", "completed_on", "problem_found", "code"
        )
    )
    return objects, results


def test_a_big_task_is_rebuilt_in_the_same_few_queries_as_a_small_one(twelve_published):
    ids = [p.inspection_object_id for p in twelve_published]
    assert len(set(ids)) == 12
    with CaptureQueriesContext(connection) as two:
        search_index.refresh(ids[:2])
    with CaptureQueriesContext(connection) as twelve:
        search_index.refresh(ids)
    assert len(twelve.captured_queries) == len(two.captured_queries) <= 8, [q["sql"] for q in twelve.captured_queries]


def test_publishing_a_task_takes_no_query_per_result(scjg_task, scjg_admin):
    complete_visits(scjg_task, scjg_admin)
    results = list(VisitResult.objects.filter(visit__task=scjg_task).order_by("pk"))
    counts = []
    for chunk in (results[:1], results[1:3], results[3:]):  # the notice's first result, then 2, then 9
        with CaptureQueriesContext(connection) as queries:
            published = services.results_publish(actor=scjg_admin, task=scjg_task, result_ids=[r.pk for r in chunk])
        assert sorted(p.visit_result_id for p in published) == [r.pk for r in chunk]
        assert all(p.pk for p in published)
        counts.append(len(queries.captured_queries))
    assert counts[1] == counts[2], counts
    assert PublicObject.objects.count() == PublishedResult.objects.count() == 12
    assert set(PublishedResult.objects.values_list("record__task__code", flat=True)) == {scjg_task.code}


def test_the_batch_gives_the_rows_the_backfill_gives(twelve_published, scjg_admin):
    services.result_publication_withdraw(actor=scjg_admin, published=twelve_published[0], reason="决定被撤销")
    built = _snapshot()
    assert len(built[0]) == 12 and len(built[1]) == 11  # the withdrawn one keeps its object, not its result
    PublicObjectResult.objects.all().delete()
    PublicObject.objects.all().delete()
    migration = importlib.import_module("spotcheck.publication.migrations.0002_public_search")
    migration.backfill(apps, None)
    assert _snapshot() == built
    # Rebuilding rows that exist updates them in place to the same values.
    search_index.refresh(p.inspection_object_id for p in twelve_published)
    assert _snapshot() == built
