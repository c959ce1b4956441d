"""The portal search's tables follow the publication services (search14): a publication adds
the object's rows, a correction replaces them, a withdrawal removes the result's rows but keeps
the object findable (its page shows the withdrawal); the migration's backfill builds the same
rows for results published before it."""

import importlib

import pytest
from django.apps import apps

from spotcheck.publication import services
from spotcheck.publication.models import PublicObject, PublicObjectResult, PublishedResult
from spotcheck.publication.search_index import fragment_bigrams, name_bigrams
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
