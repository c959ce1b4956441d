"""What a task's numbers and dates may be (issue 11, item 12): refused when the task is made,
naming the field — a day count of 10^15 used to be accepted and overflow at the freeze."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from spotcheck.draws.models import Task


def _errors(make_task, **overrides) -> dict:
    with pytest.raises(ValidationError) as exc:
        make_task(**overrides)
    return exc.value.message_dict


@pytest.mark.parametrize("days", [10**15, -1, 3651, True])
def test_a_frequency_cap_out_of_range_is_refused(make_task, days):
    assert "frequency_cap_days" in _errors(make_task, frequency_cap_days=days)
    assert not Task.objects.exists()


@pytest.mark.parametrize("year", [1999, 2101, 9999])
def test_a_window_outside_the_plan_years_is_refused(make_task, year):
    errors = _errors(make_task, window_start=dt.date(year, 1, 1), window_end=dt.date(year, 12, 31))
    assert "2000" in errors["window_start"][0] and "2100" in errors["window_start"][0]


def test_a_window_that_ends_before_it_starts_is_refused(make_task):
    errors = _errors(make_task, window_start=dt.date(2026, 6, 1), window_end=dt.date(2026, 5, 1))
    assert errors == {"window_end": ["截止日期不能早于开始日期。"]}


def test_a_stratum_minimum_above_its_maximum_is_refused(make_task):
    strata = [{"name": "一般", "ratio": "0.25", "minimum": 5, "maximum": 2}]
    with pytest.raises(ValidationError, match="最少抽取数不能大于最多抽取数"):
        make_task(strata=strata)


def test_the_number_of_strata_is_bounded(make_task):
    strata = [{"name": f"分层{n}", "ratio": "0.1"} for n in range(51)]
    with pytest.raises(ValidationError, match="分层不能超过 50 个"):
        make_task(strata=strata)
    assert make_task(strata=strata[:50]).strata.count() == 50


@pytest.mark.parametrize("again", ["一\u200b般", "一\u2060般", "一般\ufeff", "一\u00ad般"])
def test_stratum_names_are_distinct_after_normalisation(make_task, again):
    strata = [{"name": "一般", "ratio": "0.25"}, {"name": again, "ratio": "0.5"}]
    with pytest.raises(ValidationError, match="分层名称“一般”重复"):
        make_task(strata=strata)
    assert not Task.objects.exists()


def test_full_width_stratum_names_are_the_same_name_through_the_api(login, scjg_admin, food_item, objects):
    payload = {
        "lead_department": "SCJG",
        "title": "2026 年食品经营者双随机抽查",
        "items": ["SCJG-DRAW-001"],
        "window_start": "2026-03-01",
        "window_end": "2026-06-30",
        "strata": [{"name": "C类", "ratio": "0.5"}, {"name": "Ｃ类", "ratio": "0.25"}],
        "slots": [{"name": "主检", "dept": "SCJG", "quals": ["draws_food"]}, {"name": "协检", "dept": "SCJG"}],
        "lead_slot": "主检",
        "max_visits_per_inspector": 4,
    }
    response = login(scjg_admin).post("/api/v1/tasks/", payload, content_type="application/json")
    assert response.status_code == 400
    assert "分层名称“C类”重复" in str(response.json())
    assert not Task.objects.exists()
