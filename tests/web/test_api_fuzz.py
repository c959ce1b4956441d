"""The staff API fuzzed from its own OpenAPI schema (schemathesis): every operation, with data
generated from the schema and beyond it (wrong types, odd strings, out-of-range numbers), as a
logged-in coordinator who may read and write everything. Whatever the input, the answer is a
2xx/3xx/4xx, never a 5xx. The number of examples per operation is bounded so CI stays quick
(``SPOTCHECK_FUZZ_EXAMPLES``, default 12; raise it locally for a deeper run).

The schema's security schemes (an API token, the session) are not fuzzed here: a generated
``Authorization: Bearer …`` is refused with a 401 before the operation runs, so every case would
stop there. Odd Authorization headers are fuzzed on their own (tests/accounts/test_api_tokens.py)."""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("SPOTCHECK_FUZZ_EXAMPLES", "12"))


def _schema() -> schemathesis.schemas.BaseSchema:
    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(document, default=str)))
    schema.config.generation.update(with_security_parameters=False)
    schema.app = get_wsgi_application()  # calls go through the whole Django stack, in process
    return schema


schema = _schema()


@pytest.fixture
def keep_connection():
    """The WSGI handler closes the database connection at the end of each request; inside a
    test's transaction that would close it under the test (PostgreSQL: "the connection is
    closed"). Django's own test client disconnects the same receivers."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def session(keep_connection, client, coordinator, make_task, settings):
    """A coordinator's session (and a CSRF token, as the browser would send it), over a small
    directory with a draft task, so that reads find rows and writes have something to act on.
    Not throttled: the fuzzer sends hundreds of requests a minute."""
    settings.SPOTCHECK_API_THROTTLE_RATES = {"anon": None, "user": None}
    make_task()
    client.force_login(coordinator)
    token = _get_new_csrf_string()
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": token},
        "headers": {"X-CSRFToken": token},
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same inputs every run: a failure here is reproducible
    suppress_health_check=list(HealthCheck),
)
def test_no_input_gets_a_server_error(case, session):
    response = case.call(headers=session["headers"], cookies=session["cookies"])
    assert response.status_code < 500, f"{case.method} {case.formatted_path} → {response.status_code}"
