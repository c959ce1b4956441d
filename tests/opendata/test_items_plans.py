"""The open data's item list (抽查事项清单) and plans: published versions and plans only, with
the paging metadata, filters and stable ids (item code + version, plan id)."""

import pytest

from spotcheck.catalog import services as catalog
from spotcheck.planning import services as planning
from tests.factories import make_item, publish, published_item


@pytest.fixture
def items(scjg_admin, wsjk_admin, coordinator, scjg, wsjk):
    """Three published items of 市场监管, one of 卫健, and a draft of 市场监管."""
    made = [
        published_item(actor=scjg_admin, coordinator=coordinator, department=scjg, code=f"SCJG-OD-{n}")
        for n in range(3)
    ]
    made.append(published_item(actor=wsjk_admin, coordinator=coordinator, department=wsjk, code="WSJK-OD-1"))
    make_item(actor=scjg_admin, department=scjg, code="SCJG-DRAFT", name="草稿事项 DRAFTMARK")
    return made


def test_published_versions_only(items, get):
    body = get("items/").json()
    assert body["total"] == 4 and body["last_update"] is not None
    codes = {row["code"] for row in body["results"]}
    assert codes == {"SCJG-OD-0", "SCJG-OD-1", "SCJG-OD-2", "WSJK-OD-1"}
    assert "DRAFTMARK" not in get("items/", page_size=200).content.decode()
    row = next(r for r in body["results"] if r["code"] == "SCJG-OD-0")
    assert row["version"] == 1 and row["current"] is True
    assert row["methods"] == [{"code": "on_site", "label": "实地核查"}]
    assert row["category"] == {"code": "general", "label": "一般检查事项"}
    assert row["legal_basis"] and row["default_ratio"] == "0.050000"
    assert row["checklist"][0] == {"text": "是否取得有效的食品经营许可证", "basis": "《食品安全法》第三十五条"}
    assert get("items/SCJG-DRAFT/").status_code == 404


def test_a_new_version_lists_both_and_marks_the_current(items, scjg_admin, coordinator, get):
    item = items[0]
    catalog.version_new_draft(actor=scjg_admin, item=item, change_note="修订")
    assert [r["version"] for r in get(f"items/{item.code}/").json()] == [1]  # the draft is not public
    publish(item, actor=scjg_admin, coordinator=coordinator)
    rows = get(f"items/{item.code}/").json()
    assert [(r["version"], r["current"]) for r in rows] == [(2, True), (1, False)]
    assert get("items/", current="false").json()["total"] == 1
    assert get("items/", current="true").json()["total"] == 4


def test_item_filters(items, get):
    assert get("items/", department="WSJK").json()["total"] == 1
    assert get("items/", region="320481").json()["total"] == 4
    assert get("items/", q="OD-1").json()["total"] == 2
    assert get("items/", method="on_site").json()["total"] == 4
    assert get("items/", method="online").json()["total"] == 0
    assert get("items/", category="key").json()["total"] == 0
    assert get("items/", year=2099).json()["total"] == 0


def test_paging(items, get):
    first = get("items/", page_size=3).json()
    assert (first["total"], first["pages"], len(first["results"])) == (4, 2, 3)
    assert first["previous"] is None and "page=2" in first["next"] and "page_size=3" in first["next"]
    second = get("items/", page_size=3, page=2).json()
    assert len(second["results"]) == 1 and second["next"] is None and "page=" not in second["previous"]
    seen = {(r["code"], r["version"]) for r in first["results"] + second["results"]}
    assert len(seen) == 4
    response = get("items/", page_size=3, page=3)
    assert response.status_code == 400 and "page" in response.json()


def test_plans(published_plan, scjg_admin, scjg, wsjk_item, get):
    draft = planning.plan_create(actor=scjg_admin, year=2028, title="草稿计划 DRAFTPLAN", department=scjg)
    body = get("plans/").json()
    assert body["total"] == 1 and body["last_update"] is not None
    [row] = body["results"]
    assert row["id"] == published_plan.pk and row["year"] == 2027 and row["department"]["code"] == "SCJG"
    assert row["kind"]["code"] == "department"
    assert "DRAFTPLAN" not in get("plans/").content.decode()
    assert get(f"plans/{draft.pk}/").status_code == 404
    detail = get(f"plans/{published_plan.pk}/").json()
    assert detail["entries"] and detail["entries"][0]["items"] == ["SCJG-001"]
    assert detail["history"][0]["action"]["code"] == "published"
    assert get("plans/", year=2027).json()["total"] == 1
    assert get("plans/", year=2026).json()["total"] == 0
    assert get("plans/", department="WSJK").json()["total"] == 0
    assert get("plans/", q="抽查计划").json()["total"] == 1
    assert get("plans/", kind="joint").json()["total"] == 0


def test_a_page_costs_the_same_queries_whatever_its_rows(items, scjg_admin, coordinator, scjg, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/public/api/v1/items/").status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    for n in range(3):
        published_item(actor=scjg_admin, coordinator=coordinator, department=scjg, code=f"SCJG-MORE-{n}")
    assert queries() == before
