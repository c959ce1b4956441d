"""Issue 11, item 14: the production settings. A Content-Security-Policy on every page (no
inline script or style without the response's nonce), HSTS and the https redirect set from the
environment, `check --deploy` clean with the README's production variables, and no start with
the public demo key on a host others can reach."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The README's production variables (Deploying, step 3), with stand-ins for the secrets.
PRODUCTION = {
    "DJANGO_SECRET_KEY": "Vq3rN8xZ2mK7pL1wB5yT9hF4jD6sG0aQeRuIoPcXvMnZbLkJhGf",
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "spotcheck.example.gov.cn",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://spotcheck.example.gov.cn",
    "DJANGO_SECURE_COOKIES": "1",
    "DJANGO_BEHIND_TLS_PROXY": "1",
    "DJANGO_SECURE_SSL_REDIRECT": "1",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_SECURE_HSTS_PRELOAD": "1",
    "SPOTCHECK_TRUSTED_PROXIES": "127.0.0.1",
    "SPOTCHECK_REDIS_URL": "redis://127.0.0.1:6379/15",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SPOTCHECK_"))}
    clean["DATABASE_URL"] = "sqlite:///:memory:"
    return subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_readme_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_readme_lists_the_production_variables():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    deploying = readme[readme.index("## Deploying") :]
    for name in PRODUCTION:
        assert re.search(rf"^\s*{name}(_FILE)?=", deploying, re.M), f"{name} is not in the README's Deploying section"


def test_refuses_to_start_with_the_demo_key_on_a_public_host():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr and "spotcheck.example.gov.cn" in result.stderr


def test_the_demo_key_still_serves_the_local_demo():
    assert _manage("check").returncode == 0
    assert _manage("check", DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost").returncode == 0


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def _inline_elements(html: str) -> list[str]:
    """<script> without src and <style> elements, and style="…"/on…= attributes."""
    found = [
        tag
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", html)
        if "src=" not in tag and "application/json" not in tag
    ]
    found += re.findall(r"<[^>]+\s(?:style|on[a-z]+)=[^>]*>", html)
    return found


@pytest.mark.parametrize(
    "path",
    ["/", "/work/", "/tasks/", "/objects/", "/public/", "/accounts/login/", "/api/v1/docs/", "/public/api/v1/docs/"],
)
def test_every_page_has_a_policy_without_inline_script(client, coordinator, login, path):
    if path != "/accounts/login/":
        login(coordinator)
    response = client.get(path)
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"] + policy["style-src-attr"]
    empty = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"  # sha256 of "": style="" only
    assert set(policy["style-src-attr"]) == {"'unsafe-hashes'", empty}
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    html = response.content.decode()
    nonces = {value[len("'nonce-") : -1] for value in policy["script-src"] if value.startswith("'nonce-")}
    for element in _inline_elements(html):
        assert any(f'nonce="{nonce}"' in element for nonce in nonces), f"inline without the nonce on {path}: {element}"


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


def test_the_workers_share_one_cache_with_redis():
    # The API's throttle counts live in the cache: per process, a client of 4 workers got 4x
    # its rate. Two processes (as two gunicorn workers) see one count through Redis.
    if not _redis_up():
        pytest.skip("no Redis on 127.0.0.1:6379")
    key = f"spotcheck-test-{uuid.uuid4().hex}"
    redis = {"SPOTCHECK_REDIS_URL": PRODUCTION["SPOTCHECK_REDIS_URL"]}
    code = (
        "from django.core.cache import cache; print(cache.incr('{0}') if cache.get('{0}') else cache.add('{0}', 1, 60))"
    )
    first = _manage("shell", "--no-imports", "-c", code.format(key), **redis)
    second = _manage("shell", "--no-imports", "-c", code.format(key), **redis)
    assert first.stdout.strip() == "True" and second.stdout.strip() == "2", first.stderr + second.stderr
