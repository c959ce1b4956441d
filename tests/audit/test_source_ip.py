"""The source address of each entry behind the documented nginx (issue 11, item 11): the real
client when the request came through a configured proxy, never an address the client forged."""

import pytest

from spotcheck.audit.models import AuditEntry
from spotcheck.env import env_ip_networks


def _login(client, **headers):
    client.post("/accounts/login/", {"username": "scjg_admin", "password": "Spotcheck-test-2026"}, **headers)
    return AuditEntry.objects.get(action="auth.login").source_ip


@pytest.fixture
def behind_nginx(settings, monkeypatch):
    monkeypatch.setenv("SPOTCHECK_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
    settings.SPOTCHECK_TRUSTED_PROXIES = env_ip_networks("SPOTCHECK_TRUSTED_PROXIES", [])


def test_without_the_setting_a_forged_header_cannot_choose_the_address(client, scjg_admin):
    assert _login(client, HTTP_X_FORWARDED_FOR="203.0.113.66") == "127.0.0.1"


def test_behind_a_configured_proxy_the_real_client_is_recorded(client, scjg_admin, behind_nginx):
    assert _login(client, HTTP_X_FORWARDED_FOR="198.51.100.23") == "198.51.100.23"


def test_a_chain_of_proxies_records_the_first_untrusted_address(client, scjg_admin, behind_nginx):
    # The client sent a forged header; a load balancer (10.1.2.3) and nginx each appended a hop.
    assert _login(client, HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.23, 10.1.2.3") == "198.51.100.23"


def test_a_client_not_behind_the_proxy_cannot_choose_the_address(client, scjg_admin, behind_nginx):
    address = _login(client, REMOTE_ADDR="198.51.100.23", HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert address == "198.51.100.23"


def test_garbage_in_the_header_records_the_proxy(client, scjg_admin, behind_nginx):
    assert _login(client, HTTP_X_FORWARDED_FOR="'; DROP TABLE audit_auditentry; --") == "127.0.0.1"
