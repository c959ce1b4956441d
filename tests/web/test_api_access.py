"""The staff API (/api/v1/, DRF with session and API-token authentication) tells who is asking:
an anonymous request is a 401 with a ``WWW-Authenticate: Bearer`` challenge (never a 403, which
means "you are known and may not"); every operation of every route is checked, generated from
the URLconf so that a new endpoint is covered the day it is added. What a logged-in user may do
is tested per app (tests/<app>/test_api.py): 403 for a read-only role, 404 for another
department's row and for a user without a role."""

import pytest
from django.urls import URLResolver, get_resolver, reverse

from spotcheck.accounts.api_tokens import api_token_issue

pytestmark = pytest.mark.django_db


def _api_patterns():
    """(url name, pattern) of every route under the ``api`` namespace."""
    [api] = [p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "api"]

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            else:
                yield pattern

    return [(p.name, p) for p in walk(api.url_patterns)]


# The schema and its docs are for everyone (they describe the API, they hold no data).
PUBLIC = {"schema", "docs"}


def _operations():
    """Every (method, url name, url) the API answers, from the viewsets' action maps."""
    operations = []
    for name, pattern in _api_patterns():
        if name in PUBLIC:
            continue
        actions = getattr(pattern.callback, "actions", None)
        assert actions, f"api:{name} is not a viewset route: say here whether it is public"
        kwargs = dict.fromkeys(pattern.pattern.regex.groupindex, "1")
        url = reverse(f"api:{name}", kwargs=kwargs)
        operations += [(method.upper(), name, url) for method in sorted(actions)]
    return operations


OPERATIONS = _operations()
WRITES = [op for op in OPERATIONS if op[0] in {"POST", "PUT", "PATCH", "DELETE"}]
READS = [op for op in OPERATIONS if op[0] == "GET"]


def _call(client, method, url, **extra):
    return getattr(client, method.lower())(url, {}, content_type="application/json", **extra)


def _bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_operations_are_found():
    assert len(WRITES) > 30 and len(READS) > 15
    assert ("POST", "tasks-draw", "/api/v1/tasks/1/draw/") in WRITES
    assert ("PATCH", "objects-detail", "/api/v1/objects/1/") in WRITES


@pytest.mark.parametrize(("method", "name", "url"), WRITES, ids=[f"{m} {n}" for m, n, _ in WRITES])
def test_anonymous_write_is_401_with_a_bearer_challenge(client, method, name, url):
    response = _call(client, method, url)
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(("method", "name", "url"), READS, ids=[f"{m} {n}" for m, n, _ in READS])
def test_anonymous_read_is_401(client, method, name, url):
    response = _call(client, method, url)
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_wrong_token_is_401(client, scjg_admin):
    response = client.get("/api/v1/objects/", **_bearer("sc_not-a-token"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_token_is_accepted(client, scjg, scjg_admin):
    issued = api_token_issue(actor=scjg_admin, name="许可系统", department=scjg, role="dept_admin")
    response = client.get("/api/v1/objects/", **_bearer(issued.secret))
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_a_token_without_the_right_is_403_not_401(client, scjg, scjg_admin, obj):
    # A read-only token reads its department's objects and writes none: known, and refused.
    issued = api_token_issue(actor=scjg_admin, name="统计报送", department=scjg, role="inspector")
    response = client.post(f"/api/v1/objects/{obj.pk}/retire/", {"reason": "x"}, **_bearer(issued.secret))
    assert response.status_code == 403
    obj.refresh_from_db()
    assert obj.retired_at is None
