"""The client's address (issue 11, item 11): X-Forwarded-For counts only when the request came
from a configured proxy, and then only up to the first address that is not one."""

import pytest
from django.test import RequestFactory

from spotcheck.core.net import client_ip
from spotcheck.env import EnvError, env_ip_networks

PROXY = "10.0.0.5"


@pytest.fixture
def behind_proxies(settings, monkeypatch):
    """The nginx of the deployment (10.0.0.5) and, in front of it, a load balancer of 172.16/12."""
    monkeypatch.setenv("SPOTCHECK_TRUSTED_PROXIES", f"{PROXY}, 172.16.0.0/12")
    settings.SPOTCHECK_TRUSTED_PROXIES = env_ip_networks("SPOTCHECK_TRUSTED_PROXIES", [])


def _ip(remote_addr, forwarded=None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **headers))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.SPOTCHECK_TRUSTED_PROXIES = []
    assert _ip("198.51.100.9", "203.0.113.7") == "198.51.100.9"
    assert _ip(PROXY, "203.0.113.7") == PROXY


def test_from_an_untrusted_address_the_header_is_ignored(behind_proxies):
    assert _ip("198.51.100.9", "203.0.113.7") == "198.51.100.9"


def test_behind_a_trusted_proxy_the_client_is_taken_from_the_header(behind_proxies):
    assert _ip(PROXY, "203.0.113.7") == "203.0.113.7"
    assert _ip(PROXY, "2001:db8::7") == "2001:db8::7"


def test_a_chain_of_proxies_is_walked_from_the_right(behind_proxies):
    # The client forged "6.6.6.6"; the load balancer appended the client; nginx the load balancer.
    assert _ip(PROXY, "6.6.6.6, 203.0.113.7, 172.20.1.2") == "203.0.113.7"
    # Two headers arrive joined with a comma, as WSGI servers pass them.
    assert _ip(PROXY, "6.6.6.6,203.0.113.7 ,  172.20.1.2") == "203.0.113.7"


def test_only_trusted_proxies_are_skipped(behind_proxies):
    # 192.168.1.1 is not a configured proxy: it is the client, whatever it claims before it.
    assert _ip(PROXY, "203.0.113.7, 192.168.1.1") == "192.168.1.1"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("", PROXY),
        ("   ", PROXY),
        ("garbage", PROXY),
        ("unknown", PROXY),
        ("999.1.1.1", PROXY),
        ("203.0.113.7:4431", PROXY),
        ("<script>", PROXY),
        # A malformed hop stops the walk at the nearest known address: what lies beyond it
        # was written by whoever sent the malformed value, so it cannot be trusted.
        ("203.0.113.7, garbage", PROXY),
        ("203.0.113.7, garbage, 172.20.1.2", "172.20.1.2"),
        ("garbage, 203.0.113.7", "203.0.113.7"),
        (",,203.0.113.7", "203.0.113.7"),
    ],
)
def test_malformed_values_are_ignored(behind_proxies, forwarded, expected):
    assert _ip(PROXY, forwarded) == expected


def test_all_hops_trusted_gives_the_outermost_proxy(behind_proxies):
    assert _ip(PROXY, "172.20.9.9, 172.20.1.2") == "172.20.9.9"


def test_ipv4_mapped_remote_address_is_matched_as_ipv4(behind_proxies):
    assert _ip(f"::ffff:{PROXY}", "203.0.113.7") == "203.0.113.7"


def test_missing_or_malformed_remote_address(behind_proxies):
    assert _ip("", "203.0.113.7") is None
    assert _ip("not-an-address", "203.0.113.7") is None


def test_the_setting_fails_loudly_on_a_typo(monkeypatch):
    monkeypatch.setenv("SPOTCHECK_TRUSTED_PROXIES", "10.0.0.5, 10.0.0.300")
    with pytest.raises(EnvError, match=r"10\.0\.0\.300"):
        env_ip_networks("SPOTCHECK_TRUSTED_PROXIES", [])
    monkeypatch.setenv("SPOTCHECK_TRUSTED_PROXIES", "10.0.0.1/24")  # host bits set: a typo
    with pytest.raises(EnvError, match=r"10\.0\.0\.1/24"):
        env_ip_networks("SPOTCHECK_TRUSTED_PROXIES", [])
    monkeypatch.delenv("SPOTCHECK_TRUSTED_PROXIES")
    assert env_ip_networks("SPOTCHECK_TRUSTED_PROXIES", []) == []
