"""Rows' links at the cost of one reverse (load14, ``portal.row_urls``): the same URLs as
``reverse`` gives, on the main site and on the portal's own host, on the long pages that use them
(a result notice, the search)."""

import re

import pytest
from django.test import Client
from django.urls import reverse, set_urlconf

from spotcheck.portal.hosts import PORTAL_URLCONF
from spotcheck.portal.row_urls import row_url
from spotcheck.publication.models import PublishedResult, ResultNotice

PORTAL_HOST = "gongshi.example.gov.cn"


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("portal:enterprise", ["91320481MA1XYZ1234", "Z90000000000000016", "甲乙 丙", "a%b&c", "918273645546372819"]),
        ("portal:reply", [1, 42, 10**12]),
        ("portal:result_notice", [7]),
    ],
)
@pytest.mark.parametrize("urlconf", [None, PORTAL_URLCONF])
def test_row_url_is_reverse(name, values, urlconf):
    set_urlconf(urlconf)
    try:
        url = row_url(name)
        assert [url(v) for v in values] == [reverse(name, args=[v]) for v in values]
    finally:
        set_urlconf(None)


def _links(body: str, prefix: str) -> set[str]:
    return set(re.findall(rf'href="({re.escape(prefix)}[^"#]*)"', body))


def test_a_result_notice_links_each_enterprise_and_its_reply_form(published, client):
    notice = ResultNotice.objects.get()
    body = client.get(reverse("portal:result_notice", args=[notice.pk])).content.decode()
    rows = PublishedResult.objects.filter(notice=notice, state="current")
    assert _links(body, "/public/enterprises/") == {
        reverse("portal:enterprise", args=[o.public_code]) for o in published
    }
    assert {reverse("portal:reply", args=[r.pk]) for r in rows} <= _links(body, "/public/results/published/")


def test_the_search_links_each_enterprise_on_the_portal_host(published, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, PORTAL_HOST]
    settings.SPOTCHECK_PORTAL_HOSTS = [PORTAL_HOST]
    body = Client(HTTP_HOST=PORTAL_HOST).get("/public/search/", {"q": "有限"}).content.decode()
    expected = {f"/public/enterprises/{o.public_code}/" for o in published if "有限" in o.name}
    assert expected and _links(body, "/public/enterprises/") == expected
