"""Brute-force protection of the login form (issue 11, item 8), with django-axes: after 10 failed
logins for one account within 15 minutes the account is refused, even with the right password,
from any address, until the lockout ends or an administrator lifts it; an address that fails 10
times is refused the same way. The audit trail gets one entry per lockout, never one per failed
attempt (anonymous visitors must not be able to flood it)."""

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.utils import timezone

from spotcheck.audit.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _post(client, username, password, ip="10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _fail(client, username, times, ip="10.1.1.1"):
    for _ in range(times):
        _post(client, username, "wrong-password", ip)


def _logged_in(client):
    return "_auth_user_id" in client.session


def test_nine_failures_then_the_right_password_works(client, scjg_admin):
    _fail(client, "scjg_admin", 9)
    response = _post(client, "scjg_admin", PASSWORD)
    assert response.status_code == 302 and _logged_in(client)


def test_thirty_failures_then_the_right_password_is_refused(client, scjg_admin):
    _fail(client, "scjg_admin", 30)
    response = _post(client, "scjg_admin", PASSWORD)
    body = response.content.decode()
    assert response.status_code == 429
    assert not _logged_in(client)
    # The form says the account is locked, and until when (Beijing time, the settings' 15 minutes).
    assert "已被锁定" in body and "scjg_admin" in body
    until = timezone.localtime(timezone.now() + dt.timedelta(minutes=15))
    assert any((until + dt.timedelta(minutes=m)).strftime("%H:%M") in body for m in (-1, 0, 1))


def test_the_tenth_failure_locks_the_account_from_every_address(client, scjg_admin):
    _fail(client, "scjg_admin", 10, ip="10.1.1.1")
    response = _post(client, "scjg_admin", PASSWORD, ip="10.9.9.9")
    assert response.status_code == 429 and not _logged_in(client)


def test_an_address_that_fails_ten_times_is_locked_for_every_account(client, scjg_admin, wsjk_admin):
    for n in range(10):
        _post(client, f"guess{n}", "wrong-password", ip="10.2.2.2")
    assert _post(client, "wsjk_admin", PASSWORD, ip="10.2.2.2").status_code == 429
    assert not _logged_in(client)
    # Another address is not concerned.
    assert _post(client, "wsjk_admin", PASSWORD, ip="10.3.3.3").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, scjg_admin):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _fail(client, "scjg_admin", 10)
        clock.shift(dt.timedelta(minutes=14))
        assert _post(client, "scjg_admin", PASSWORD).status_code == 429
        clock.shift(dt.timedelta(minutes=16))
        assert _post(client, "scjg_admin", PASSWORD).status_code == 302
    assert _logged_in(client)


def test_the_limit_and_the_cool_off_are_settings(client, scjg_admin, settings):
    settings.AXES_FAILURE_LIMIT = 3
    _fail(client, "scjg_admin", 3)
    assert _post(client, "scjg_admin", PASSWORD).status_code == 429


def test_thirty_failures_make_at_most_one_audit_entry(client, scjg_admin):
    _fail(client, "scjg_admin", 30)
    for n in range(30):
        _post(client, f"nobody{n}", "wrong-password", ip="10.4.4.4")
    entries = list(AuditEntry.objects.values_list("action", flat=True))
    assert "auth.login_failed" not in entries
    assert entries.count("auth.lockout") == 2  # the account's, and the second address's
    lockout = AuditEntry.objects.filter(action="auth.lockout").order_by("seq").first()
    assert lockout.target_id == str(scjg_admin.pk)
    assert lockout.after["username"] == "scjg_admin" and lockout.after["failures"] == 10
    assert lockout.source_ip == "10.1.1.1"


def test_an_administrator_lifts_the_lockout_with_a_command(client, scjg_admin, sysadmin):
    _fail(client, "scjg_admin", 10)
    call_command("unlock_login", "--user", "sysadmin", "--username", "scjg_admin")
    assert _post(client, "scjg_admin", PASSWORD).status_code == 302
    entry = AuditEntry.objects.get(action="auth.lockout_lifted")
    assert entry.actor == sysadmin and entry.after["username"] == "scjg_admin" and entry.source == "cli"


def test_lifting_an_address_lockout(client, scjg_admin, sysadmin):
    for n in range(10):
        _post(client, f"guess{n}", "wrong-password", ip="10.2.2.2")
    call_command("unlock_login", "--user", "sysadmin", "--ip", "10.2.2.2")
    assert _post(client, "scjg_admin", PASSWORD, ip="10.2.2.2").status_code == 302


def test_only_an_administrator_lifts_a_lockout(scjg_admin):
    with pytest.raises(CommandError, match="无权"):
        call_command("unlock_login", "--user", "scjg_admin", "--username", "scjg_admin")


def test_the_sysadmin_lifts_a_lockout_on_the_lockouts_page(client, login, scjg_admin, sysadmin):
    _fail(client, "scjg_admin", 10)
    client = login(sysadmin)
    page = client.get("/accounts/lockouts/")
    assert page.status_code == 200 and "scjg_admin" in page.content.decode()
    response = client.post("/accounts/lockouts/lift/", {"username": "scjg_admin"})
    assert response.status_code == 302
    client.logout()
    assert _post(client, "scjg_admin", PASSWORD).status_code == 302
    assert AuditEntry.objects.filter(action="auth.lockout_lifted").count() == 1


def test_the_lockouts_page_is_the_administrators(login, scjg_admin, coordinator):
    assert login(scjg_admin).get("/accounts/lockouts/").status_code == 403
    assert login(coordinator).post("/accounts/lockouts/lift/", {"username": "x"}).status_code == 403


def test_the_test_clients_login_works_with_a_request(client, scjg_admin):
    # django-axes needs the request: tests that log in with a password pass one.
    assert client.login(request=HttpRequest(), username="scjg_admin", password=PASSWORD)


@pytest.mark.parametrize("username", ["scjg\x00admin", "x" * 400, "用户\u200b名"])
def test_odd_usernames_are_a_form_error_not_a_server_error(client, scjg_admin, username):
    for _ in range(11):
        response = _post(client, username, "wrong-password")
        assert response.status_code in (200, 429)
    assert _post(client, "scjg_admin", PASSWORD, ip="10.7.7.7").status_code == 302


def test_an_overlong_username_on_the_admins_login_is_no_server_error(client, scjg_admin):
    # The admin's login form has the same unchecked username length as Django's; axes counts it.
    response = client.post("/admin/login/", {"username": "x" * 400, "password": "wrong"}, REMOTE_ADDR="10.8.8.8")
    assert response.status_code == 200


def test_the_user_menu_leads_the_sysadmin_to_the_lockouts_page(login, sysadmin, scjg_admin):
    assert "/accounts/lockouts/" in login(sysadmin).get("/work/").content.decode()
    assert "/accounts/lockouts/" not in login(scjg_admin).get("/work/").content.decode()
