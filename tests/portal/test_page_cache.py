"""The portal's pages kept for anonymous visitors (load14, spotcheck/portal/page_cache.py): one
copy serves every visitor who is not logged in, in their language; any audited change (a
publication, a correction, a withdrawal) drops every copy at once; nothing personal is kept."""

import pytest
from django.urls import reverse

from spotcheck.publication import services as publication
from tests.publication.conftest import final_result, officers  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("spring_2026")


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.SPOTCHECK_PORTAL_CACHE_SECONDS = 60


@pytest.fixture
def published(final_result, scjg_admin):  # noqa: F811 (the imported fixture)
    [row] = publication.results_publish(actor=scjg_admin, task=final_result.visit.task)
    return row


def _enterprise_url(row):
    return reverse("portal:enterprise", args=[row.inspection_object.public_code])


def test_a_page_is_computed_once_then_served_from_the_cache(client, published, django_assert_max_num_queries):
    url = _enterprise_url(published)
    first = client.get(url)
    assert first.status_code == 200 and first["X-Portal-Cache"] == "miss"
    with django_assert_max_num_queries(1):  # the audit trail's head, nothing else
        second = client.get(url)
    assert second["X-Portal-Cache"] == "hit" and second.content == first.content
    # Another visitor (a fresh client, the CSRF cookie of an earlier form, a language cookie of
    # the same language) gets the same copy.
    other = client.__class__()
    other.cookies["csrftoken"] = "x" * 32
    assert other.get(url)["X-Portal-Cache"] == "hit"


def test_a_withdrawal_is_never_served_from_an_old_copy(client, published, scjg_admin):
    url = _enterprise_url(published)
    notice_url = reverse("portal:result_notice", args=[published.notice_id])
    for page in (url, notice_url):
        client.get(page)
        assert client.get(page)["X-Portal-Cache"] == "hit"
    publication.result_publication_withdraw(actor=scjg_admin, published=published, reason="决定已撤销 MARKER-W")
    for page in (url, notice_url):
        response = client.get(page)
        assert response["X-Portal-Cache"] == "miss"
        assert "MARKER-W" in response.content.decode()


def test_a_correction_shows_at_once(client, published, final_result, officers, scjg_admin):  # noqa: F811
    from tests.publication.conftest import correct

    url = reverse("portal:result_notice", args=[published.notice_id])
    client.get(url)
    corrected = correct(final_result, officers, reason="复核 MARKER-C")
    publication.result_publication_correct(actor=scjg_admin, visit_result=corrected, reason="更正 MARKER-C")
    response = client.get(url)
    assert response["X-Portal-Cache"] == "miss" and "MARKER-C" in response.content.decode()


def test_each_language_has_its_own_copy(client, published):
    url = reverse("portal:result_notice_list")
    chinese = client.get(url)
    english = client.get(url, headers={"accept-language": "en"})
    assert english["X-Portal-Cache"] == "miss"
    assert '<html lang="en"' in english.content.decode() and '<html lang="zh-hans"' in chinese.content.decode()
    client.cookies["django_language"] = "en"
    assert client.get(url).content == english.content


def test_staff_get_their_own_page(client, published, scjg_admin, login):
    url = _enterprise_url(published)
    assert "工作人员登录" in client.get(url).content.decode()
    login(scjg_admin)
    response = client.get(url)
    assert not response.has_header("X-Portal-Cache")
    page = response.content.decode()
    assert "工作台" in page and "工作人员登录" not in page


def test_what_is_never_kept(client, published, settings):
    # A form with its CSRF token (the reply form), a page that is not there, a POST, a visitor's
    # own status query: computed every time.
    reply = reverse("portal:reply", args=[published.pk])
    assert client.get(reply).status_code == 200
    assert not client.get(reply).has_header("X-Portal-Cache")
    assert client.get("/public/enterprises/nope/").status_code == 404
    assert not client.get("/public/enterprises/nope/").has_header("X-Portal-Cache")
    assert not client.get(reverse("portal:reply_status"), {"code": "ABC"}).has_header("X-Portal-Cache")
    # Turned off, nothing is kept.
    settings.SPOTCHECK_PORTAL_CACHE_SECONDS = 0
    assert not client.get(_enterprise_url(published)).has_header("X-Portal-Cache")


def test_the_language_link_sets_the_cookie_and_returns_to_a_page_of_this_site(client, db):
    response = client.get("/public/language/en/", {"next": "/public/tasks/"})
    assert response.status_code == 302 and response["Location"] == "/public/tasks/"
    assert response.cookies["django_language"].value == "en"
    # Elsewhere, or an odd language: back to the portal, no cookie for a language not offered.
    response = client.get("/public/language/xx/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/public/"
    assert "django_language" not in response.cookies
    assert client.get("/public/language/en/", {"next": "//evil.example/x"})["Location"] == "/public/"


class _BrokenCache:
    def get(self, *args, **kwargs):
        raise ConnectionError("redis is down")

    set = get


def test_a_cache_that_fails_is_a_miss_not_an_error(client, published, monkeypatch):
    monkeypatch.setattr("spotcheck.portal.page_cache.cache", _BrokenCache())
    response = client.get(_enterprise_url(published))
    assert response.status_code == 200 and published.inspection_object.public_code in response.content.decode()
    assert client.get("/public/api/v1/results/").status_code == 200
