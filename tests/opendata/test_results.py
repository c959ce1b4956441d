"""The open data's results and an enterprise's result history: the published versions only, with
codes and labels, the paging metadata and the search's filters."""

import pytest

from spotcheck.publication import services as publication
from spotcheck.results.models import VisitResult

pytestmark = pytest.mark.usefixtures("spring_2026")


def test_nothing_before_publication(final_result, get):
    body = get("results/").json()
    assert body["total"] == 0 and body["results"] == [] and body["last_update"] is None
    code = final_result.visit.inspection_object.public_code
    assert get(f"enterprises/{code}/results/").status_code == 404


def test_a_published_result_with_codes_and_labels(published, get):
    body = get("results/").json()
    assert (body["total"], body["page"], body["page_size"], body["pages"]) == (1, 1, 50, 1)
    assert body["next"] is None and body["previous"] is None
    assert body["last_update"] is not None
    [row] = body["results"]
    task = published.notice.task
    obj = published.inspection_object
    assert row["notice_id"] == published.notice_id and row["version"] == 1
    assert row["notice_title"] == published.notice.title
    assert row["state"] == {"code": "current", "label": "公示中"}
    assert row["object"]["public_code"] == obj.public_code and row["object"]["name"] == obj.name
    assert row["object"]["kind"]["code"] == obj.kind
    assert row["task"]["code"] == task.code and row["task"]["kind"]["label"] == "日常抽查"
    assert row["department"] == {"code": "SCJG", "name": task.lead_department.name}
    assert row["outcome"] == {"code": "carried_out", "label": str(VisitResult.Outcome.CARRIED_OUT.label)}
    [item] = row["items"]
    assert item["results"] == [{"code": "1", "label": "未发现问题"}]
    assert item["method"] == {"code": "1", "label": "实地核查"}
    assert row["on_time"] is True and row["due_on"] == published.due_on.isoformat()


def test_filters(published, get):
    obj = published.inspection_object
    year = published.completed_on.year
    name = obj.name
    expect_one = [
        {"department": "SCJG"},
        {"region": obj.region.code},
        {"region": obj.region.parent.code},  # a region takes in the ones below it
        {"year": year},
        {"date_from": published.completed_on.isoformat(), "date_to": published.completed_on.isoformat()},
        {"q": name[1:3]},
        {"result": "1"},
        {"task": published.notice.task.code},
        {"notice": published.notice_id},
        {"state": "current"},
    ]
    if obj.uscc:
        expect_one.append({"uscc": obj.uscc})
    for params in expect_one:
        assert get("results/", **params).json()["total"] == 1, params
    expect_none = [
        {"department": "WSJK"},
        {"year": year + 1},
        {"date_from": published.completed_on.replace(day=published.completed_on.day + 1).isoformat()},
        {"q": "不存在的名称"},
        {"result": "A"},
        {"state": "withdrawn"},
        {"task": "NO-SUCH-TASK"},
    ]
    for params in expect_none:
        body = get("results/", **params).json()
        assert body["total"] == 0 and body["last_update"] is None, params


def test_a_withdrawn_result_shows_no_content_and_no_filter_on_content_finds_it(published, scjg_admin, get):
    publication.result_publication_withdraw(actor=scjg_admin, published=published, reason="处罚决定被撤销")
    [row] = get("results/").json()["results"]
    assert row["state"]["code"] == "withdrawn" and row["withdrawal_reason"] == "处罚决定被撤销"
    assert row["items"] == [] and row["outcome"] is None and row["followups"] == []
    assert get("results/", result="1").json()["total"] == 0
    assert get("results/", state="withdrawn").json()["total"] == 1


def test_a_correction_replaces_the_old_text(published, final_result, result_officers, scjg_admin, get):
    from tests.publication.conftest import correct

    corrected = correct(final_result, result_officers, codes=("A", "D"))
    publication.result_publication_correct(actor=scjg_admin, visit_result=corrected, reason="复核后更正")
    body = get("results/").json()
    [row] = body["results"]
    assert row["version"] == 2 and row["correction_reason"] == "复核后更正"
    assert {r["code"] for r in row["items"][0]["results"]} == {"A", "D"}
    assert get("results/", result="1").json()["total"] == 0  # the superseded text is not searched


def test_an_enterprise_history(published, get):
    code = published.inspection_object.public_code
    body = get(f"enterprises/{code}/results/").json()
    assert body["enterprise"]["public_code"] == code and body["total"] == 1
    assert body["results"][0]["notice_id"] == published.notice_id
    assert get(f"enterprises/{code}/results/", department="WSJK").json()["total"] == 0
    assert get(f"enterprises/{code}/results/", result="A").json()["total"] == 0
    assert get(f"enterprises/{code}/results/", q="xx").status_code == 400  # not a filter of this list
    for odd in ("nope", "²", "x" * 500):
        assert get(f"enterprises/{odd}/results/").status_code == 404


def test_a_page_of_results_in_a_fixed_number_of_queries(published, django_assert_num_queries, client):
    # count, last update, the page (with its notice and department), the follow-ups
    with django_assert_num_queries(4):
        assert client.get("/public/api/v1/results/").status_code == 200


def test_labels_in_english(published, client):
    body = client.get("/public/api/v1/results/", HTTP_ACCEPT_LANGUAGE="en").json()
    [item] = body["results"][0]["items"]
    assert item["results"][0]["code"] == "1" and item["results"][0]["label"] != "未发现问题"


def test_result_notices(published, get):
    notice = published.notice
    body = get("notices/").json()
    assert body["total"] == 1 and body["last_update"] is not None
    [row] = body["results"]
    assert row["id"] == notice.pk and row["title"] == notice.title and row["number"] == notice.number
    assert row["task"]["code"] == notice.task.code and row["department"]["code"] == "SCJG"
    assert row["results_url"].endswith(f"/public/api/v1/results/?notice={notice.pk}")
    assert get("notices/", department="WSJK").json()["total"] == 0
    assert get("notices/", year=notice.year).json()["total"] == 1
    assert get("notices/", year=notice.year + 1).json()["total"] == 0
    assert get("notices/", result="1").status_code == 400  # not a filter of notices


def test_no_notice_before_publication(final_result, get):
    assert get("notices/").json()["total"] == 0


def test_the_enterprise_search_as_the_portal_has_it(published, get):
    obj = published.inspection_object
    body = get("enterprises/", q=obj.name[1:3]).json()
    assert body["total"] == 1 and body["truncated"] is False and body["last_update"] is not None
    [row] = body["results"]
    assert row["public_code"] == obj.public_code and row["result_count"] == 1
    assert row["results_url"].endswith(f"/public/api/v1/enterprises/{obj.public_code}/results/")
    assert get("enterprises/", code=obj.public_code.lower()).json()["total"] == 1
    assert get("enterprises/", department="SCJG", result="none").json()["total"] == 1
    assert get("enterprises/", result="problem").json()["total"] == 0
    assert get("enterprises/", region=obj.region.parent.code).json()["total"] == 1
    for bad in ({}, {"q": "x"}, {"industry": "Z99"}, {"department": "NOPE"}, {"result": "Q"}, {"page": "²"}):
        response = get("enterprises/", **bad)
        assert response.status_code == 400 and (set(bad) or {"q"}) <= set(response.json()), bad


def test_a_published_result_keeps_its_notices_department(published, get):
    # load14: the department filter reads the result's own copy of its notice's department.
    assert published.department_id == published.notice.department_id
    code = published.notice.department.code
    assert get("results/", department=code).json()["total"] == 1
    assert get("results/", department="WSJK").json()["total"] == 0
