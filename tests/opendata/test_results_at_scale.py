"""The open data's results at a province's scale (issue 14; scale14): ``q`` and ``uscc`` find the
enterprise through the portal search's rows (one name match, ``selectors_search``: its index of
character pairs on PostgreSQL, LIKE on SQLite — never a scan of the records' JSON) with the same
rules (two characters or more, the USCC exactly, the public name only: a 个体工商户's operator
finds nothing); the total is capped (``core.counting``) and ``last_update`` is the latest
publication change, read from one index row."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spotcheck.publication import services
from spotcheck.publication.models import PublishedResult, ResultNotice
from tests.opendata.conftest import API
from tests.portal import conftest as portal_search

# The portal search's three published enterprises (a 五金 company, a 个体工商户 whose operator's
# name is masked, a 餐饮 company), reused.
three_published = portal_search.published
industries = portal_search.industries

pytestmark = pytest.mark.usefixtures("spring_2026")

FRAGMENTS = ["五金", "金鼎五金", "鼎五金有", "五金鼎", "餐饮管理", "有限", "五金店", "王小明", "%_", "不存在", "a b"]


def _codes(client, path, **params):
    response = client.get(API + path, params)
    assert response.status_code == 200, (params, response.content)
    rows = response.json()["results"]
    return {row["object"]["public_code"] if "object" in row else row["public_code"] for row in rows}


def test_a_name_finds_the_results_of_the_enterprises_the_portal_search_finds(three_published, client):
    # One name match for both: whatever the fragment, the same enterprises.
    for fragment in FRAGMENTS:
        assert _codes(client, "results/", q=fragment) == _codes(client, "enterprises/", q=fragment), fragment
    by_name = {o.name: o.public_code for o in three_published}
    assert _codes(client, "results/", q="五金") == {by_name["溧阳市金鼎五金有限公司"], by_name["王小明五金店"]}
    assert _codes(client, "results/", q="鼎五金有") == {by_name["溧阳市金鼎五金有限公司"]}
    assert _codes(client, "results/", q="五金鼎") == set()  # its pairs are there, not in this order
    assert _codes(client, "results/", q="餐饮管理") == {by_name["天目湖餐饮管理有限公司"]}


def _ordered(client, **params):
    body = client.get(API + "results/", params).json()
    return body["total"], body.get("truncated"), [(r["object"]["public_code"], r["version"]) for r in body["results"]]


def test_a_common_name_reads_the_results_latest_first_with_the_same_answer(three_published, client, monkeypatch):
    by_ids = {f: _ordered(client, q=f) for f in FRAGMENTS}
    assert by_ids["五金"][0] == 2
    # Any name held by more than one enterprise counts as common: the results are read down the
    # latest-first index, one at a time, the named enterprises' ids held (up to 2) or the name
    # checked for each row's.
    monkeypatch.setattr("spotcheck.portal.selectors_results.NAMED_OBJECTS", 1)
    monkeypatch.setattr("spotcheck.portal.selectors_results.WALK_CHUNK", 1)
    for held in (2, 1):
        monkeypatch.setattr("spotcheck.portal.selectors_results.NAMED_IDS_HELD", held)
        for fragment in FRAGMENTS:
            assert _ordered(client, q=fragment) == by_ids[fragment], (held, fragment)
        assert _ordered(client, q="五金", department="SCJG") == by_ids["五金"]
        assert _ordered(client, q="五金", result="1")[0] == 1
    # The walk stops once the capped list is full.
    monkeypatch.setattr("spotcheck.core.counting.COUNT_CAP", 1)
    total, truncated, rows = _ordered(client, q="五金")
    assert (total, truncated, rows) == (1, True, by_ids["五金"][2][:1])


def test_the_name_is_the_public_one(three_published, client):
    individual = three_published[1]
    assert client.get(API + "results/", {"q": "王小明"}).json()["total"] == 0  # the operator finds nothing
    body = client.get(API + "results/", {"q": "五金店"}).json()
    assert [row["object"]["name"] for row in body["results"]] == ["***五金店"]
    assert body["results"][0]["object"]["public_code"] == individual.public_code
    assert "王小明" not in str(body)
    assert client.get(API + "results/", {"q": "五"}).status_code == 400  # two characters or more


def test_a_uscc_finds_its_results_exactly(three_published, client):
    obj = three_published[0]
    assert obj.uscc
    assert _codes(client, "results/", uscc=obj.uscc) == {obj.public_code}
    assert _codes(client, "results/", uscc=obj.uscc.lower()) == {obj.public_code}
    others = [o for o in three_published[1:] if o.uscc]
    for other in others:
        assert _codes(client, "results/", uscc=other.uscc) == {other.public_code}
    assert client.get(API + "results/", {"uscc": obj.uscc[:17]}).status_code == 400


def test_a_withdrawn_result_is_still_found_by_its_name(three_published, client, scjg_admin):
    row = PublishedResult.objects.get(inspection_object=three_published[0], state="current")
    services.result_publication_withdraw(actor=scjg_admin, published=row, reason="处罚决定被撤销")
    body = client.get(API + "results/", {"q": "金鼎"}).json()
    assert [r["state"]["code"] for r in body["results"]] == ["withdrawn"]


def test_the_name_goes_through_the_search_rows_not_the_records(three_published, client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(API + "results/", {"q": "鼎五金有", "uscc": three_published[0].uscc}).json()["total"] == 1
    sql = "\n".join(q["sql"] for q in queries.captured_queries if "publication_publ" in q["sql"])
    conditions = [q["sql"].split(" WHERE ", 1)[-1] for q in queries.captured_queries if " WHERE " in q["sql"]]
    assert conditions and not any('"record"' in c or "JSON" in c.upper() for c in conditions)  # never the JSON
    assert "publication_publicobject" in sql
    if connection.vendor == "postgresql":
        assert "string_to_array(name_bigrams" in sql  # the GIN index's expression
    else:
        assert "LIKE" in sql


def test_the_total_is_capped(three_published, client, monkeypatch):
    monkeypatch.setattr("spotcheck.core.counting.COUNT_CAP", 2)
    body = client.get(API + "results/", {"page_size": 1}).json()
    assert (body["total"], body["truncated"], body["pages"]) == (2, True, 2)
    assert client.get(API + "results/", {"page_size": 1, "page": 2}).json()["next"] is None
    assert client.get(API + "results/", {"page_size": 1, "page": 3}).status_code == 400
    body = client.get(API + "results/", {"q": "餐饮"}).json()
    assert (body["total"], body["truncated"]) == (1, False)


def test_last_update_is_the_latest_publication_change(three_published, client, scjg_admin):
    published_at = ResultNotice.objects.get().updated_at
    for params in ({}, {"q": "金鼎"}, {"q": "五金店"}):
        assert client.get(API + "results/", params).json()["last_update"] == _iso(published_at)
    assert client.get(API + "results/", {"q": "不存在的名称"}).json()["last_update"] is None
    row = PublishedResult.objects.get(inspection_object=three_published[2], state="current")
    later = published_at + dt.timedelta(hours=3)
    with time_machine.travel(later, tick=False):
        services.result_publication_withdraw(actor=scjg_admin, published=row, reason="处罚决定被撤销")
    # Any result's change is the list's: nothing that matches changed after it.
    for params in ({}, {"q": "金鼎"}):
        assert client.get(API + "results/", params).json()["last_update"] == _iso(later)
    assert client.get(API + "enterprises/", {"q": "金鼎"}).json()["last_update"] == _iso(later)
    # One enterprise's history keeps the latest change among its own results.
    code = three_published[0].public_code
    assert client.get(API + f"enterprises/{code}/results/").json()["last_update"] == _iso(published_at)


def _iso(moment):
    from rest_framework.fields import DateTimeField

    return DateTimeField().to_representation(moment)
