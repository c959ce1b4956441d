"""The portal's search of published results (issue 14, item 3; search14): by a name fragment of
two characters or more, USCC or public code, department, region (with sub-regions), industry
(with its divisions), result and completion date; totals capped like the directory's; paging;
odd input gets a message, never a 500; only public fields, kept by the publication services."""

import pytest
from django.urls import reverse

from spotcheck.portal import selectors_search
from spotcheck.publication import services
from spotcheck.publication.models import PublicObject, PublicObjectResult, PublishedResult

pytestmark = pytest.mark.usefixtures("spring_2026")

URL = reverse("portal:search")
MARKERS = ("MARKER-LEGALREP", "MARKER-ADDRESS-9")


def _names(response) -> list[str]:
    assert response.status_code == 200
    page = response.content.decode()
    return [name for name in ("金鼎五金", "***五金店", "天目湖餐饮") if name in page]


def search(client, **params):
    return client.get(URL, params)


def test_the_search_tables_hold_only_public_fields(published):
    rows = {o.inspection_object_id: o for o in PublicObject.objects.all()}
    assert set(rows) == {o.pk for o in published}
    individual = rows[published[1].pk]
    assert individual.name == "***五金店"  # the operator's name masked, as published
    assert "王小明" not in individual.name_bigrams
    assert individual.problem_found and individual.result_count == 1
    assert individual.region_id == published[1].region_id
    assert rows[published[0].pk].industry.code == "33"
    assert set(PublicObjectResult.objects.values_list("code", flat=True)) == {"1", "A", "D", "E"}


def test_a_name_fragment_of_two_characters_finds_and_links_the_enterprise(published, client):
    response = search(client, q="五金")
    assert _names(response) == ["金鼎五金", "***五金店"]
    page = response.content.decode()
    assert reverse("portal:enterprise", args=[published[0].public_code]) in page
    assert "符合条件的企业共 2 家" in page
    assert _names(search(client, q="餐饮管理")) == ["天目湖餐饮"]
    assert _names(search(client, q="鼎五金有")) == ["金鼎五金"]
    assert _names(search(client, q="五金鼎")) == []  # the pairs are there, not in this order


def test_one_character_gets_a_message(published, client):
    response = search(client, q="五")
    assert response.status_code == 200
    assert "名称请至少输入两个字" in response.content.decode()
    assert _names(response) == []


def test_the_operators_name_does_not_find_a_masked_individual(published, client):
    assert _names(search(client, q="王小明")) == []
    page = search(client, q="五金").content.decode()
    for marker in (*MARKERS, "王小明"):
        assert marker not in page


def test_by_uscc_or_public_code(published, client):
    target = published[2]
    assert _names(search(client, code=target.uscc)) == ["天目湖餐饮"]
    assert _names(search(client, code=target.uscc.lower())) == ["天目湖餐饮"]
    assert _names(search(client, q=target.uscc)) == ["天目湖餐饮"]  # the front page's one box
    assert _names(search(client, code="91320481MA0000000X")) == []


def test_by_department(published, client, scjg, wsjk):
    assert _names(search(client, department=scjg.code)) == ["金鼎五金", "***五金店", "天目湖餐饮"]
    assert _names(search(client, department=wsjk.code)) == []


def test_by_region_with_its_sub_regions(published, client, county, towns):
    assert _names(search(client, region=towns[1].code)) == ["***五金店"]
    assert _names(search(client, region=towns[0].code)) == ["金鼎五金", "天目湖餐饮"]
    assert _names(search(client, region=county.code)) == ["金鼎五金", "***五金店", "天目湖餐饮"]
    assert _names(search(client, region=towns[2].code)) == []


def test_by_industry_with_its_divisions(published, client, industries):
    section, division, other = industries
    assert _names(search(client, industry=section.code)) == ["金鼎五金", "***五金店"]
    assert _names(search(client, industry=division.code, q="金鼎")) == ["金鼎五金"]
    assert _names(search(client, industry=other.code)) == ["天目湖餐饮"]


def test_by_result(published, client):
    assert _names(search(client, result="problem")) == ["***五金店", "天目湖餐饮"]
    assert _names(search(client, result="none")) == ["金鼎五金"]
    assert _names(search(client, result="D")) == ["***五金店"]
    assert _names(search(client, result="E")) == ["天目湖餐饮"]
    assert _names(search(client, result="8")) == []
    assert (
        "有效的选项" in search(client, result="ZZ").content.decode()
        or "valid choice" in search(client, result="ZZ").content.decode()
    )


def test_by_completion_date(published, client):
    assert _names(search(client, **{"from": "2026-02-11"})) == ["***五金店", "天目湖餐饮"]
    assert _names(search(client, **{"to": "2026-02-11"})) == ["金鼎五金"]
    assert _names(search(client, **{"from": "2026-02-11", "to": "2026-02-13", "result": "problem"})) == ["***五金店"]
    assert _names(search(client, **{"from": "2026-02-17"})) == []


def test_rows_show_counts_dates_and_problems_latest_first(published, client):
    page = search(client, q="五金").content.decode()
    assert page.index("***五金店") < page.index("金鼎五金")  # completed 02-12 before 02-10
    assert "2026-02-12" in page and "2026-02-10" in page


def test_a_withdrawn_result_no_longer_matches_a_problem(published, client, scjg_admin):
    row = PublishedResult.objects.get(inspection_object=published[1])
    services.result_publication_withdraw(actor=scjg_admin, published=row, reason="处罚决定被撤销")
    assert _names(search(client, result="problem")) == ["天目湖餐饮"]
    assert _names(search(client, result="D")) == []
    # Its page still shows it as withdrawn, so the name still finds the enterprise.
    assert _names(search(client, q="五金店")) == ["***五金店"]
    entry = PublicObject.objects.get(pk=published[1].pk)
    assert (entry.result_count, entry.problem_found) == (0, False)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"page": "²", "q": "五金"}, None),
        ({"page": "99999", "q": "五金"}, None),
        ({"from": "2026-13-45"}, "有效的日期"),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "结束日期不能早于开始日期"),
        ({"q": "五" * 100_000}, "200"),
        ({"region": "abc"}, "有效的选项"),
        ({"department": "\x00"}, None),
        ({"industry": "' OR 1=1 --"}, "有效的选项"),
        ({"code": "x" * 5000}, "32"),
        ({"q": "%_"}, None),
        ({"q": "五金\x00"}, "空字符"),
        ({"code": "\x00"}, "空字符"),
    ],
)
def test_odd_input_gets_a_message_not_a_500(published, client, params, message):
    response = search(client, **params)
    assert response.status_code == 200
    if message:
        assert message in response.content.decode()


def test_odd_page_shows_the_first_or_last(published, client):
    assert _names(search(client, q="五金", page="²")) == ["金鼎五金", "***五金店"]
    assert _names(search(client, q="五金", page="7")) == ["金鼎五金", "***五金店"]


def test_nothing_is_searched_without_a_criterion(published, client):
    response = client.get(URL)
    assert "请输入至少一个查询条件" in response.content.decode()
    assert _names(response) == []


def test_totals_are_capped_and_pages_follow(published, client, monkeypatch, scjg):
    monkeypatch.setattr(selectors_search.CappedSearch.__init__, "__defaults__", (2,))
    page = search(client, department=scjg.code).content.decode()
    assert "超过 2 家（2+）" in page
    monkeypatch.setattr(selectors_search.CappedSearch.__init__, "__defaults__", (1000,))
    monkeypatch.setattr("spotcheck.portal.views_search.PAGE_SIZE", 1)
    first = search(client, department=scjg.code).content.decode()
    assert "第 1 / 3 页，共 3 条" in first and "department=" in first.split("下一页")[0].split("<nav")[-1]
    assert _names(search(client, department=scjg.code, page="2")) == ["***五金店"]


def test_the_results_are_read_in_chunks_latest_first(published, client, monkeypatch, scjg):
    monkeypatch.setattr(selectors_search, "RESULT_CHUNK", 1)
    page = search(client, department=scjg.code).content.decode()
    assert page.index("天目湖餐饮") < page.index("***五金店") < page.index("金鼎五金")
    assert "符合条件的企业共 3 家" in page
    monkeypatch.setattr(selectors_search.CappedSearch.__init__, "__defaults__", (2,))
    capped = search(client, department=scjg.code).content.decode()
    assert "超过 2 家（2+）" in capped and "金鼎五金" not in capped  # the two latest


def test_the_form_keeps_what_was_asked(published, client, scjg, towns):
    page = search(client, q="五金", department=scjg.code, region=towns[0].code, result="D", **{"from": "2026-02-01"})
    html = page.content.decode()
    for selected in (f'value="{scjg.code}" selected', f'value="{towns[0].code}" selected', 'value="D" selected'):
        assert selected in html
    assert 'value="五金"' in html and 'value="2026-02-01"' in html


def test_the_portal_links_to_the_search(client, db):
    for url in (reverse("portal:index"), reverse("portal:result_notice_list")):
        page = client.get(url).content.decode()
        assert f'href="{URL}"' in page
    assert 'action="/public/search/"' in client.get(reverse("portal:index")).content.decode()


def test_the_search_reads_a_page_in_few_queries(published, client, django_assert_max_num_queries, scjg):
    # The form's three lists and two choices, the region's tree, the capped ids, the page's rows.
    with django_assert_max_num_queries(8):
        search(client, q="五金", department=scjg.code, region="320481", result="problem")
