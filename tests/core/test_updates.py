import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spotcheck.core.updates import model_update
from tests.factories import DepartmentFactory, RegionFactory


def test_only_changed_fields_are_saved_and_diffed(db):
    department = DepartmentFactory(short_name="市场监管", sort_order=1)
    first_region = department.region_id
    other = RegionFactory(code="320482", name="金坛区", level="county", parent=None)
    with CaptureQueriesContext(connection) as queries:
        _, before, after = model_update(department, {"short_name": "市场监管", "sort_order": 2, "region": other})
    assert before == {"sort_order": 1, "region_id": first_region}
    assert after == {"sort_order": 2, "region_id": other.pk}
    (update,) = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert "sort_order" in update and "region_id" in update and "short_name" not in update
    department.refresh_from_db()
    assert department.sort_order == 2 and department.region_id == other.pk


def test_nothing_changed_saves_nothing(db, django_assert_num_queries):
    department = DepartmentFactory()
    with django_assert_num_queries(0):
        assert model_update(department, {"short_name": department.short_name})[1:] == ({}, {})


def test_values_are_diffed_as_the_audit_trail_stores_them(db):
    from spotcheck.accounts.models import User

    user = User.objects.create(username="u1")
    _, before, after = model_update(user, {"date_joined": dt.datetime(2026, 1, 2, tzinfo=dt.UTC)}, clean=False)
    assert after == {"date_joined": "2026-01-02T00:00:00Z"} and isinstance(before["date_joined"], str)


def test_invalid_values_are_refused_before_saving(db):
    department = DepartmentFactory()
    with pytest.raises(ValidationError):
        model_update(department, {"code": ""})
    department.refresh_from_db()
    assert department.code
