"""What a text search lists (issue 12, item 12): the same rows in the same order as before the
search was made fast for common fragments, on SQLite and on PostgreSQL.

"Before" is the implementation the list page had until then, kept here as ``_before``: the
first ``cap`` matches the database finds, sorted by code, each page read again through the
search's own conditions. Below the cap those are all the matches in code order, which the tests
also compute in Python from the rows themselves.
"""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from spotcheck.accounts.scope import scope_for
from spotcheck.directory import selectors
from spotcheck.directory.models import InspectionObject
from spotcheck.directory.selectors import CappedMatches, object_list_results, search_objects
from tests.factories import InspectionObjectFactory, make_uscc

pytestmark = pytest.mark.django_db

PAGE = 4


def _before(queryset, cap):
    ids = list(queryset.order_by().values_list("pk", flat=True)[: cap + 1])
    rows = list(queryset.filter(pk__in=ids[:cap]).order_by("public_code"))
    return len(ids) > cap, rows


@pytest.fixture
def directory(towns, scjg, wsjk):
    """60 objects whose codes are not in the order they were written: most names hold
    溧阳市 and many 有限公司 (common fragments), a few only rare ones."""
    template = InspectionObjectFactory(name="模板", uscc=make_uscc(9000), region=towns[0], owner_department=scjg)
    rng = random.Random(12)
    serials = rng.sample(range(100, 1000), 60)
    words = ["溧阳市天目湖有限公司", "溧阳市埭头便利店", "溧阳市上黄茶叶专业合作社", "常州ABC科技有限公司"]
    rows = []
    for n, serial in enumerate(serials):
        name = f"{words[n % len(words)]}{n}" if n % 13 else f"溧阳市{n}号100%_纯净水有限公司"
        head = "92320481" if "便利店" in name else "93320481" if "合作社" in name else "91320481"
        uscc = make_uscc(serial, head=head)
        rows.append(
            InspectionObject(
                public_code=uscc,
                uscc=uscc,
                name=name,
                region=towns[n % 3],
                owner_department=wsjk if n % 5 == 0 else scjg,
                retired_at=timezone.now() if n % 17 == 0 else None,
                status=template.status,
            )
        )
    InspectionObject.objects.bulk_create(rows)
    template.delete()
    return InspectionObject.objects.all()


def _matches(fragment: str, scope=None) -> list[InspectionObject]:
    """Every match, in code order, computed in Python."""
    visible = {o.pk for o in search_objects(scope, {})} if scope else None
    found = [
        o
        for o in InspectionObject.objects.filter(retired_at=None)
        if fragment.upper() in o.name.upper() or o.public_code.startswith(fragment.upper())
    ]
    return sorted((o for o in found if visible is None or o.pk in visible), key=lambda o: o.public_code)


def _pages(results) -> list[InspectionObject]:
    rows = []
    for start in range(0, len(results), PAGE):
        rows += results[start : start + PAGE]
    return rows


def _codes(rows) -> list[str]:
    return [o.public_code for o in rows]


FRAGMENTS = ["溧阳市", "有限公司", "天目湖", "便利店", "茶叶", "abc", "ABC科", "100%_", "9232", "没有这个", "合作社7"]


@pytest.mark.parametrize("cap", [5, 1000])
@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_results_are_the_rows_of_before_in_the_same_order(directory, coordinator, fragment, cap):
    scope = scope_for(coordinator)
    everything = _matches(fragment)
    truncated, before = _before(search_objects(scope, {"q": fragment}), cap)
    results = CappedMatches(search_objects(scope, {"q": fragment}), cap=cap, params={"q": fragment})
    rows = _pages(results)

    assert _codes(rows) == _codes(before)
    assert results.truncated == truncated == (len(everything) > cap)
    assert results.count() == len(rows) == min(cap, len(everything))
    if not truncated:
        assert _codes(rows) == _codes(everything)
    else:
        assert _codes(rows) == sorted(set(_codes(rows))) and set(_codes(rows)) <= set(_codes(everything))


def test_common_and_rare_fragments_are_both_covered(directory):
    # The parametrised test above means little unless some fragments pass the cap and some not.
    counts = {fragment: len(_matches(fragment)) for fragment in FRAGMENTS}
    assert counts["溧阳市"] > 30 and counts["有限公司"] > 20 and counts["天目湖"] > 5
    assert 0 < counts["茶叶"] <= 15 and 0 < counts["100%_"] < 5 and counts["没有这个"] == 0
    assert counts["abc"] == counts["ABC科"] > 5


def test_a_department_sees_its_own_matches(directory, scjg_admin, wsjk_admin):
    for user in (scjg_admin, wsjk_admin):
        scope = scope_for(user)
        results = CappedMatches(search_objects(scope, {"q": "溧阳市"}), cap=1000, params={"q": "溧阳市"})
        assert _codes(_pages(results)) == _codes(_matches("溧阳市", scope))


def test_name_field_and_other_filters_combine(directory, coordinator, towns):
    params = {"name": "有限公司", "region": towns[1].code}
    _, results = object_list_results(scope_for(coordinator), params)
    expected = [o for o in _matches("有限公司") if o.region_id == towns[1].pk]
    assert _codes(_pages(results)) == _codes(expected)


def test_a_page_is_read_by_its_ids_alone(directory, coordinator):
    """Repeating the search's conditions in the page's query let PostgreSQL walk every match of a
    common fragment to find the page's rows (the 300 ms of issue 12, item 12)."""
    results = CappedMatches(search_objects(scope_for(coordinator), {"q": "溧阳市"}), cap=20, params={"q": "溧阳市"})
    with CaptureQueriesContext(connection) as queries:
        page = results[4:8]
    assert len(page) == 4
    [query] = queries.captured_queries
    where = query["sql"].split(" WHERE ", 1)[1]
    assert "LIKE" not in where.upper() and "retired_at" not in where


def test_the_list_page_shows_the_first_page_in_code_order(directory, login, coordinator, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_CAP", 1000)
    body = login(coordinator).get("/objects/", {"q": "便利店"}).content.decode()
    expected = _matches("便利店")
    assert f"共 {len(expected)} 个检查对象" in body
    positions = [body.index(o.public_code) for o in expected]
    assert positions == sorted(positions)


def test_choosing_the_scan_by_the_estimate():
    # A fragment in half the names: a scan meets 1,001 matches within about 2,000 rows.
    assert not selectors._scan_costs_more(500_000, 1_000_000, 1001)
    # In one name in fifty: a scan would pass 50,000 rows, the index reads 20,000 postings.
    assert selectors._scan_costs_more(20_000, 1_000_000, 1001)
    # Rare: the index, whatever the table.
    assert selectors._scan_costs_more(100, 1_000_000, 1001)
    assert selectors._scan_costs_more(10, 100, 1001)
    assert selectors._scan_costs_more(0, 0, 1001)


def test_reading_the_plan():
    table = InspectionObject._meta.db_table
    scan = {"Node Type": "Limit", "Plans": [{"Node Type": "Seq Scan", "Relation Name": table, "Plan Rows": 9}]}
    bitmap = {
        "Node Type": "Limit",
        "Plans": [
            {
                "Node Type": "Bitmap Heap Scan",
                "Relation Name": table,
                "Plans": [{"Node Type": "Bitmap Index Scan", "Index Name": "object_name_trgm_idx"}],
            }
        ],
    }
    elsewhere = {"Node Type": "Limit", "Plans": [bitmap, {"Node Type": "Index Scan", "Relation Name": "other"}]}
    assert selectors._scans_in_table_order(scan, table)
    assert not selectors._scans_in_table_order(bitmap, table)
    assert not selectors._scans_in_table_order(elsewhere, table)


def test_which_fragments_the_trigram_index_can_serve():
    assert selectors._has_trigram("有限公") and selectors._has_trigram("a有限") and selectors._has_trigram("913")
    assert not selectors._has_trigram("茶叶") and not selectors._has_trigram("牌 7A")
    assert not selectors._has_trigram("（天）") and not selectors._has_trigram("")


@pytest.mark.postgres_only
@pytest.mark.parametrize("scan_costs_more", [True, False])
@pytest.mark.parametrize("fragment", ["溧阳市", "有限公司", "天目湖", "ABC科", "100%_"])
def test_postgres_either_plan_gives_the_same_rows(directory, coordinator, monkeypatch, fragment, scan_costs_more):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    # A table this small is scanned whatever the fragment; say what each choice would do.
    monkeypatch.setattr(selectors, "_scans_in_table_order", lambda *args: True)
    monkeypatch.setattr(selectors, "_scan_costs_more", lambda *args: scan_costs_more)
    scope = scope_for(coordinator)
    for cap in (5, 1000):
        truncated, before = _before(search_objects(scope, {"q": fragment}), cap)
        with CaptureQueriesContext(connection) as queries:
            results = CappedMatches(search_objects(scope, {"q": fragment}), cap=cap, params={"q": fragment})
        assert _codes(_pages(results)) == _codes(before) and results.truncated == truncated
        forced = any("set_config('enable_seqscan'" in q["sql"] for q in queries.captured_queries)
        assert forced == scan_costs_more
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            assert cursor.fetchone()[0] == "on"  # put back


@pytest.mark.postgres_only
def test_postgres_settings_are_put_back_inside_an_outer_transaction(directory, coordinator, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    monkeypatch.setattr(selectors, "_scans_in_table_order", lambda *args: True)
    monkeypatch.setattr(selectors, "_scan_costs_more", lambda *args: True)
    # pytest-django runs this test inside a transaction, as a caller's atomic block would.
    CappedMatches(search_objects(scope_for(coordinator), {"q": "天目湖"}), cap=5, params={"q": "天目湖"})
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_indexscan")
        assert cursor.fetchone()[0] == "on"
