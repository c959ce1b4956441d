"""Atom feeds of new notices (issue 14, item 6; bulk14): the portal's, a department's and an
enterprise's, parsed as Atom, with stable tag: ids and links to the portal's pages; only public
data."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from spotcheck.draws import services as draws_services
from spotcheck.publication import services as publication
from tests.bulkdata.conftest import MARKERS

pytestmark = pytest.mark.usefixtures("spring_2026")
ATOM = "{http://www.w3.org/2005/Atom}"


def _atom(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    text = response.content.decode()
    for marker in MARKERS:
        assert marker not in text, (url, marker)
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    assert root.tag == f"{ATOM}feed" and root.find(f"{ATOM}id").text.startswith("tag:")
    assert root.find(f"{ATOM}updated") is not None
    return [
        {
            "id": e.find(f"{ATOM}id").text,
            "title": e.find(f"{ATOM}title").text,
            "link": e.find(f"{ATOM}link").get("href"),
            "updated": e.find(f"{ATOM}updated").text,
        }
        for e in root.findall(f"{ATOM}entry")
    ]


def test_the_portal_feed_has_task_notices_drawn_lists_and_result_notices(published, client):
    task = published.visit_result.visit.task
    entries = _atom(client, reverse("portal:bulkdata:feed_notices"))
    ids = {e["id"].split(":", 2)[2] for e in entries}
    assert {f"task/{task.code}/notice", f"task/{task.code}/list", f"result-notice/{published.notice_id}"} <= ids
    by_id = {e["id"].split(":", 2)[2]: e for e in entries}
    assert by_id[f"task/{task.code}/notice"]["link"].endswith(reverse("portal:task_detail", args=[task.code]))
    assert by_id[f"result-notice/{published.notice_id}"]["link"].endswith(
        reverse("portal:result_notice", args=[published.notice_id])
    )
    # Ids are stable: asked again, the same.
    assert [e["id"] for e in _atom(client, reverse("portal:bulkdata:feed_notices"))] == [e["id"] for e in entries]


def test_a_task_only_frozen_is_not_in_any_feed(make_task, scjg_admin, client, scjg):
    task = make_task(title="未公告的任务")
    draws_services.task_freeze(actor=scjg_admin, task=task)
    for url in (reverse("portal:bulkdata:feed_notices"), reverse("portal:bulkdata:feed_department", args=[scjg.code])):
        assert not [e for e in _atom(client, url) if task.code in e["id"]]


def test_the_department_feed_has_its_own_notices_only(published, client, scjg, wsjk):
    task = published.visit_result.visit.task
    mine = _atom(client, reverse("portal:bulkdata:feed_department", args=[scjg.code]))
    assert any(e["id"].endswith(f"result-notice/{published.notice_id}") for e in mine)
    assert any(e["id"].endswith(f"task/{task.code}/notice") for e in mine)
    assert _atom(client, reverse("portal:bulkdata:feed_department", args=[wsjk.code])) == []


def test_the_enterprise_feed_has_results_corrections_and_withdrawals(published, client, scjg_admin):
    obj = published.inspection_object
    url = reverse("portal:bulkdata:feed_enterprise", args=[obj.public_code])
    [entry] = _atom(client, url)
    assert entry["id"].endswith(f"result/{published.pk}") and "未发现问题" not in entry["title"]
    assert entry["link"].endswith(reverse("portal:enterprise", args=[obj.public_code]) + f"#r{published.pk}")
    publication.result_publication_withdraw(actor=scjg_admin, published=published, reason="行政决定已撤销")
    [withdrawn] = _atom(client, url)
    assert withdrawn["id"] == entry["id"] and withdrawn["title"].startswith("撤下")
    assert withdrawn["updated"] >= entry["updated"]
    # The enterprise page and every portal page point to their feeds.
    page = client.get(reverse("portal:enterprise", args=[obj.public_code])).content.decode()
    assert 'type="application/atom+xml" title=' in page and url in page
    assert reverse("portal:bulkdata:feed_notices") in client.get(reverse("portal:index")).content.decode()


def test_odd_codes_are_404(client, db):
    for code in ("nope", "²", "x" * 10_000, "%00"):
        assert client.get(f"/public/feeds/departments/{code}.atom").status_code == 404
        assert client.get(f"/public/feeds/enterprises/{code}.atom").status_code == 404


def test_an_object_without_a_public_result_has_no_feed(result_visit, client):
    code = result_visit.inspection_object.public_code
    assert client.get(reverse("portal:bulkdata:feed_enterprise", args=[code])).status_code == 404


def test_a_correction_is_a_new_entry_marked_as_such(published, client, result_officers, scjg_admin):
    from tests.publication.conftest import correct

    result = correct(published.visit_result, result_officers, codes=("A", "D"), reason="复核后更正")
    publication.result_publication_correct(actor=scjg_admin, visit_result=result, reason="复核后更正")
    url = reverse("portal:bulkdata:feed_enterprise", args=[published.inspection_object.public_code])
    [entry] = _atom(client, url)  # the superseded version is not shown any more
    assert not entry["id"].endswith(f"result/{published.pk}") and entry["title"].startswith("更正")
