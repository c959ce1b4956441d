"""Departments' systems call the API with per-system tokens (issue 11, item 8): an administrator
issues one scoped to a department (the department's admin for its own, the coordinator or a
system administrator for any), it is shown once and only its hash is kept, it acts as a service
account of that department with the role chosen, and revoking it refuses it at once; each issue
and revoke is audited. HTTP Basic no longer authenticates the API, and the API is throttled."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from spotcheck.accounts.api_tokens import api_token_issue, api_token_revoke
from spotcheck.accounts.models import ApiToken
from spotcheck.audit.models import AuditEntry
from tests.factories import PASSWORD, InspectionObjectFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/objects/"


def _bearer(token, keyword="Bearer"):
    return {"HTTP_AUTHORIZATION": f"{keyword} {token}"}


@pytest.fixture
def scjg_token(scjg, scjg_admin):
    return api_token_issue(actor=scjg_admin, name="市场监管 许可系统", department=scjg, role="dept_admin")


@pytest.fixture
def objects(scjg, wsjk, towns):
    return (
        InspectionObjectFactory(name="市场监管的对象", owner_department=scjg, region=towns[0]),
        InspectionObjectFactory(name="卫健的对象", owner_department=wsjk, region=towns[0]),
    )


def test_a_token_reads_its_departments_rows_and_not_anothers(client, scjg_token, objects):
    mine, theirs = objects
    body = client.get(LIST, **_bearer(scjg_token.secret)).json()
    assert [row["name"] for row in body["results"]] == ["市场监管的对象"]
    assert client.get(f"{LIST}{theirs.pk}/", **_bearer(scjg_token.secret)).status_code == 404
    assert client.get(f"{LIST}{mine.pk}/", **_bearer(scjg_token.secret, "Token")).status_code == 200


def test_a_token_writes_without_a_csrf_token_and_is_the_actor(scjg_token, objects):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    mine, _ = objects
    response = client.post(
        f"{LIST}{mine.pk}/retire/", {"reason": "已注销"}, content_type="application/json", **_bearer(scjg_token.secret)
    )
    assert response.status_code == 200, response.content
    entry = AuditEntry.objects.filter(action__startswith="directory.object").latest("seq")
    assert entry.actor == scjg_token.token.user and entry.source == "api"


def test_a_read_only_token_cannot_write(client, scjg, scjg_admin, objects):
    issued = api_token_issue(actor=scjg_admin, name="统计报送", department=scjg, role="inspector")
    mine, _ = objects
    response = client.post(
        f"{LIST}{mine.pk}/retire/", {"reason": "x"}, content_type="application/json", **_bearer(issued.secret)
    )
    assert response.status_code == 403


def test_only_the_hash_is_kept_and_the_token_is_shown_once(scjg_token):
    token = ApiToken.objects.get(pk=scjg_token.token.pk)
    assert token.token_hash == hashlib.sha256(scjg_token.secret.encode()).hexdigest()
    assert scjg_token.secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert scjg_token.secret.startswith(token.prefix)


def test_issue_and_revoke_are_audited_without_the_secret(scjg_token, scjg_admin):
    api_token_revoke(actor=scjg_admin, token=scjg_token.token)
    issued = AuditEntry.objects.get(action="accounts.apitoken.issue")
    revoked = AuditEntry.objects.get(action="accounts.apitoken.revoke")
    assert issued.actor == scjg_admin and revoked.actor == scjg_admin
    assert scjg_token.secret not in str(issued.after) and "token_hash" not in issued.after


def test_a_revoked_token_gets_401(client, scjg_token, scjg_admin, objects):
    assert client.get(LIST, **_bearer(scjg_token.secret)).status_code == 200
    api_token_revoke(actor=scjg_admin, token=scjg_token.token)
    response = client.get(LIST, **_bearer(scjg_token.secret))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("value", ["Bearer nope", "Bearer", "Bearer a b", "Token \x00\x01", "Bearer 令牌"])
def test_a_wrong_token_gets_401(client, scjg_token, value):
    response = client.get(LIST, HTTP_AUTHORIZATION=value)
    assert response.status_code == 401


def test_last_use_is_recorded(client, scjg_token):
    assert scjg_token.token.last_used_at is None
    client.get(LIST, **_bearer(scjg_token.secret))
    scjg_token.token.refresh_from_db()
    assert scjg_token.token.last_used_at is not None


def test_who_may_issue(scjg, wsjk, scjg_admin, wsjk_admin, coordinator, scjg_inspector):
    with pytest.raises(PermissionDenied):
        api_token_issue(actor=wsjk_admin, name="x", department=scjg, role="inspector")
    with pytest.raises(PermissionDenied):
        api_token_issue(actor=scjg_inspector, name="x", department=scjg, role="inspector")
    assert api_token_issue(actor=coordinator, name="卫健 监督系统", department=wsjk, role="inspector").secret


def test_who_may_revoke(scjg_token, wsjk_admin, coordinator):
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=wsjk_admin, token=scjg_token.token)
    api_token_revoke(actor=coordinator, token=scjg_token.token)
    scjg_token.token.refresh_from_db()
    assert scjg_token.token.revoked_at is not None and scjg_token.token.revoked_by == coordinator


def test_the_service_account_cannot_log_in_on_the_form(client, scjg_token):
    username = scjg_token.token.user.username
    response = client.post("/accounts/login/", {"username": username, "password": ""})
    assert "_auth_user_id" not in client.session and response.status_code == 200


def test_basic_auth_no_longer_authenticates_the_api(client, scjg_admin):
    import base64

    basic = base64.b64encode(f"scjg_admin:{PASSWORD}".encode()).decode()
    response = client.get(LIST, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_the_api_is_throttled_per_account(client, login, scjg_token, scjg_admin, settings):
    settings.SPOTCHECK_API_THROTTLE_RATES = {"user": "3/minute", "anon": "2/minute"}
    codes = [client.get(LIST, **_bearer(scjg_token.secret)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # Another account (a person's session) counts on its own.
    assert login(scjg_admin).get(LIST).status_code == 200


def test_the_staff_page_issues_lists_and_revokes(login, scjg, scjg_admin):
    client = login(scjg_admin)
    page = client.get("/accounts/api-tokens/")
    assert page.status_code == 200 and "API 令牌" in page.content.decode()
    response = client.post(
        "/accounts/api-tokens/", {"name": "市场监管 许可系统", "department": scjg.pk, "role": "dept_admin"}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    body = response.content.decode()
    assert token.prefix in body and "只显示这一次" in body
    secret = body.split('data-secret="')[1].split('"')[0]
    assert hashlib.sha256(secret.encode()).hexdigest() == token.token_hash
    assert "市场监管 许可系统" in client.get("/accounts/api-tokens/").content.decode()
    assert client.post(f"/accounts/api-tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_staff_page_shows_only_ones_departments_tokens(login, scjg, wsjk, scjg_token, wsjk_admin, scjg_inspector):
    page = login(wsjk_admin).get("/accounts/api-tokens/").content.decode()
    assert "市场监管 许可系统" not in page
    assert login(wsjk_admin).post(f"/accounts/api-tokens/{scjg_token.token.pk}/revoke/").status_code == 404
    assert login(scjg_inspector).get("/accounts/api-tokens/").status_code == 403
    response = login(wsjk_admin).post(
        "/accounts/api-tokens/", {"name": "x", "department": scjg.pk, "role": "inspector"}
    )
    assert response.status_code == 200 and not ApiToken.objects.filter(name="x").exists()


def test_a_command_issues_a_token(scjg, coordinator, capsys):
    call_command("issue_api_token", "--user", "coordinator", "--department", "SCJG", "--name", "许可系统")
    out = capsys.readouterr().out
    token = ApiToken.objects.get()
    secret = next(word for word in out.split() if word.startswith(token.prefix))
    assert hashlib.sha256(secret.encode()).hexdigest() == token.token_hash


@given(value=st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0xFF), max_size=80))
@hypothesis_settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_authorization_header_gets_a_server_error(client, scjg_token, value):
    for header in (value, f"Bearer {value}", f"Token {value}"):
        response = client.get(LIST, HTTP_AUTHORIZATION=header)
        assert response.status_code in (200, 401), (header, response.status_code)


def test_the_user_menu_leads_administrators_to_the_tokens_page(login, scjg_admin, scjg_inspector):
    assert "/accounts/api-tokens/" in login(scjg_admin).get("/work/").content.decode()
    assert "/accounts/api-tokens/" not in login(scjg_inspector).get("/work/").content.decode()


def test_a_service_account_given_a_password_still_cannot_log_in(client, scjg_token):
    # E.g. a system administrator sets one in the admin: the account is the token's alone.
    account = scjg_token.token.user
    account.set_password("Another-Secret-2026")
    account.save()
    response = client.post("/accounts/login/", {"username": account.username, "password": "Another-Secret-2026"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
