"""The portal at `/` and on a host name of its own (issue 14, item 2; portal14).

`/` is the portal's index for everyone; the staff workspace is /work/ (web:home), where a login
lands; the rest of the portal stays under /public/ (printed 检查码 QR codes point there). A host
in SPOTCHECK_PORTAL_HOSTS answers only the portal: every staff route is a 404 there."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from spotcheck import urls as main_urls
from tests.factories import PASSWORD
from tests.web.test_deployment import PRODUCTION, _manage

PORTAL_HOST = "gongshi.example.gov.cn"


@pytest.fixture
def portal_host(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, PORTAL_HOST, "testserver"]
    settings.SPOTCHECK_PORTAL_HOSTS = [PORTAL_HOST]
    return PORTAL_HOST


def test_the_root_is_the_portal_for_a_visitor(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert response.templates[0].name == "portal/index.html"
    body = response.content.decode()
    # The staff find their way in from the portal.
    assert f'href="{reverse("accounts:login")}"' in body and "工作人员登录" in body
    assert reverse("portal_home") == "/" and reverse("web:home") == "/work/"


def test_a_logged_in_user_sees_the_portal_with_a_link_to_the_workspace(login, scjg_admin):
    body = login(scjg_admin).get("/").content.decode()
    assert "检查结果公告" in body and '<a href="/work/">工作台</a>' in body
    assert "工作人员登录" not in body


def test_the_workspace_is_under_its_own_prefix(client, login, scjg_admin):
    assert client.get("/work/")["Location"] == f"{reverse('accounts:login')}?next=/work/"
    response = client.post(reverse("accounts:login"), {"username": scjg_admin.username, "password": PASSWORD})
    assert response["Location"] == "/work/"
    page = client.get("/work/")
    assert page.status_code == 200 and page.templates[0].name == "web/home.html"
    # The workspace's brand link leads back to the workspace, not to the portal.
    assert '<a class="brand" href="/work/">' in page.content.decode()


def test_the_portal_keeps_answering_under_public(client, db):
    # Links printed or bookmarked before the portal moved to `/` keep working; a 检查码's QR
    # code points at /public/check/<code>/ for ever.
    assert client.get("/public/").status_code == 200
    assert reverse("portal:check_code", args=["ABCDEFGHJKMN"]) == "/public/check/ABCDEFGHJKMN/"
    assert client.get("/public/check/").status_code == 200
    assert client.get("/public/plans/").status_code == 200


def test_a_missing_page_leads_home_by_who_asks(client, login, scjg_admin):
    assert 'href="/">返回首页' in client.get("/no-such-page/").content.decode()
    assert 'href="/work/">返回首页' in login(scjg_admin).get("/no-such-page/").content.decode()


# --- a host of its own ---------------------------------------------------------------------------


def test_the_portal_host_serves_the_portal(client, db, portal_host):
    index = client.get("/", HTTP_HOST=portal_host)
    assert index.status_code == 200 and index.templates[0].name == "portal/index.html"
    body = index.content.decode()
    assert "工作人员登录" not in body and "/accounts/login/" not in body and "/work/" not in body
    pages = ("/public/", "/public/plans/", "/public/tasks/", "/public/results/", "/public/check/", "/public/verify/")
    for path in pages:
        assert client.get(path, HTTP_HOST=portal_host).status_code == 200, path
    assert client.get("/favicon.ico", HTTP_HOST=portal_host).status_code == 301
    assert client.get("/static/spotcheck/app.css", HTTP_HOST=portal_host).status_code == 200


def _staff_paths() -> list[str]:
    """One path per top-level route of the main URLconf outside the portal: each app's prefix
    (`objects/`, `api/v1/`, `admin/` …) and each route of the includes mounted at the root."""
    paths = set()
    for entry in main_urls.urlpatterns:
        route = str(entry.pattern)
        if route.startswith(("public/", "i18n/")) or getattr(entry, "name", None) == "portal_home":
            continue
        if route:
            paths.add("/" + route)
            continue
        for inner in entry.url_patterns:  # the includes at the root: the workspace, deadlines …
            inner_route = str(inner.pattern)
            if "<" not in inner_route and (not isinstance(inner, URLPattern) or inner.name != "favicon"):
                paths.add("/" + inner_route)
    return sorted(paths)


def test_every_staff_route_is_missing_on_the_portal_host(client, coordinator, portal_host):
    paths = _staff_paths()
    assert {"/work/", "/accounts/", "/admin/", "/api/v1/", "/objects/", "/tasks/", "/deadlines/"} <= set(paths)
    client.force_login(coordinator)  # even a session that reached the host gets no staff page
    for path in [*paths, "/accounts/login/", "/admin/login/", "/api/v1/tasks/", "/api/v1/schema/"]:
        response = client.get(path, HTTP_HOST=portal_host)
        assert response.status_code == 404, path
        assert response.templates[0].name == "portal/404.html", path
    # …while the same session on the staff host reaches them.
    assert client.get("/work/").status_code == 200


def test_the_portal_host_shows_no_workspace_link_to_a_logged_in_user(client, coordinator, portal_host):
    client.force_login(coordinator)
    body = client.get("/public/plans/", HTTP_HOST=portal_host).content.decode()
    assert "工作台" not in body and "/work/" not in body


def test_a_missing_slash_is_added_only_to_portal_routes_on_the_portal_host(client, db, portal_host):
    assert client.get("/public/plans", HTTP_HOST=portal_host)["Location"] == "/public/plans/"
    assert client.get("/accounts/login", HTTP_HOST=portal_host).status_code == 404


def test_the_language_switch_works_on_the_portal_host(client, db, portal_host):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/public/plans/"}, HTTP_HOST=portal_host)
    assert response.status_code == 302 and response["Location"] == "/public/plans/"
    page = client.get("/public/plans/", HTTP_HOST=portal_host).content.decode()
    assert '<html lang="en">' in page


def test_a_host_name_is_compared_without_case_or_port(client, db, portal_host):
    assert client.get("/work/", HTTP_HOST="GongShi.Example.gov.cn:8443").status_code == 404
    assert client.get("/work/", HTTP_HOST="testserver")["Location"].startswith("/accounts/login/")


def test_no_portal_host_by_default(settings):
    assert settings.SPOTCHECK_PORTAL_HOSTS == []


def test_a_portal_host_must_be_an_allowed_host():
    refused = _manage("check", SPOTCHECK_PORTAL_HOSTS="gongshi.example.gov.cn")
    assert refused.returncode != 0
    assert "SPOTCHECK_PORTAL_HOSTS" in refused.stderr and "gongshi.example.gov.cn" in refused.stderr
    allowed = _manage(
        "check",
        SPOTCHECK_PORTAL_HOSTS="GongShi.example.gov.cn",
        DJANGO_ALLOWED_HOSTS="spotcheck.example.gov.cn,gongshi.example.gov.cn",
        DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"],
    )
    assert allowed.returncode == 0, allowed.stderr


def test_a_forged_language_switch_is_refused_on_the_portal_host(db, portal_host):
    # Django's own CSRF page answers (it extends no layout with staff links): a 403, not a 500.
    response = Client(enforce_csrf_checks=True).post("/i18n/setlang/", {"language": "en"}, HTTP_HOST=portal_host)
    assert response.status_code == 403
