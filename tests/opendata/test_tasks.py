"""The open data's tasks and draw records: announced tasks only; the notice before the draw; the
seed, witnesses' inputs and the record after it; the record as /public/tasks/<code>/record.json
gives it."""

import json

import pytest
from django.urls import reverse

from spotcheck.draws.models import Task

pytestmark = pytest.mark.django_db


def test_a_drawn_task_its_notice_and_record(make_task, run_ceremony, client, get):
    draft = make_task(title="草稿任务 DRAFTTASK")
    task = run_ceremony(make_task(title="食品经营抽查 ODTASK"))
    body = get("tasks/").json()
    assert body["total"] == 1 and body["last_update"] is not None
    [row] = body["results"]
    assert row["code"] == task.code and row["lead_department"]["code"] == "SCJG"
    assert row["kind"] == {"code": "routine", "label": "日常抽查"}
    assert row["drawn_at"] and row["commitment"] == task.draw.commitment
    assert row["record_url"].endswith(f"/public/api/v1/tasks/{task.code}/record/")
    assert "DRAFTTASK" not in get("tasks/").content.decode()
    assert get(f"tasks/{draft.code}/").status_code == 404
    assert get(f"tasks/{draft.code}/record/").status_code == 404

    detail = get(f"tasks/{task.code}/").json()
    assert detail["list_public"] is True and detail["seed"] == task.draw.seed
    assert [w["value"] for w in detail["witness_inputs"]] == ["3-5-2", "6 1 4"]
    assert "钱见证" not in json.dumps(detail, ensure_ascii=False)  # inputs, not the witnesses' names
    assert detail["items"] == [{"code": "SCJG-DRAW-001", "version": 1, "name": task.items.get().name}]
    assert detail["strata"] and detail["strata"][0]["sample_size"] >= 1

    record = get(f"tasks/{task.code}/record/").json()
    portal = json.loads(client.get(reverse("portal:task_record", args=[task.code])).content)
    assert record == portal and record["seed"] == task.draw.seed


def test_before_the_draw_only_the_notice(make_task, run_ceremony, get):
    task = run_ceremony(make_task(), draw=False)
    [row] = get("tasks/").json()["results"]
    assert row["drawn_at"] is None and row["list_published_at"] is None
    detail = get(f"tasks/{task.code}/").json()
    assert detail["seed"] == "" and detail["server_secret"] == "" and detail["witness_inputs"] == []
    record = get(f"tasks/{task.code}/record/").json()
    assert "seed" not in record and record["commitment"] == task.draw.commitment
    assert get("tasks/", drawn="true").json()["total"] == 0
    assert get("tasks/", drawn="false").json()["total"] == 1


def test_after_visits_the_list_waits(make_task, run_ceremony, get):
    task = run_ceremony(make_task(list_publication=Task.ListPublication.AFTER_VISITS))
    detail = get(f"tasks/{task.code}/").json()
    assert detail["list_public"] is False and detail["seed"] == ""
    assert "seed" not in get(f"tasks/{task.code}/record/").json()


def test_task_filters(make_task, run_ceremony, get):
    task = run_ceremony(make_task(title="食品经营抽查"))
    year = task.window_start.year
    for params in ({"department": "SCJG"}, {"region": "320481"}, {"year": year}, {"q": "食品"}, {"kind": "routine"}):
        assert get("tasks/", **params).json()["total"] == 1, params
    for params in ({"department": "WSJK"}, {"year": year + 1}, {"q": "卫生"}, {"kind": "joint"}):
        assert get("tasks/", **params).json()["total"] == 0, params
    day = task.announced_at.date().isoformat()
    assert get("tasks/", date_from=day, date_to=day).json()["total"] == 1
