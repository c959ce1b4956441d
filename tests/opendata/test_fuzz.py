"""The open data API fuzzed from its own OpenAPI schema (schemathesis), as an anonymous visitor:
every operation with parameters generated from the schema and beyond it (wrong types, odd
strings, NULs, out-of-range numbers) over a published result, a drawn task, items and a plan.
Whatever the input, never a 5xx (``SPOTCHECK_FUZZ_EXAMPLES`` examples per operation, as the
staff API's fuzz)."""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import patched_settings
from hypothesis import HealthCheck, settings

from spotcheck.opendata.schema import SCHEMA_SETTINGS

EXAMPLES = int(os.environ.get("SPOTCHECK_FUZZ_EXAMPLES", "12"))


def _schema() -> schemathesis.schemas.BaseSchema:
    with patched_settings(SCHEMA_SETTINGS):
        document = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(document, default=str)))
    schema.app = get_wsgi_application()
    return schema


schema = _schema()


@pytest.fixture
def data(published, published_plan, settings):
    """See tests/web/test_api_fuzz.py for why the connection is kept; not throttled."""
    settings.SPOTCHECK_OPENDATA_RATE = "100000/minute"
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield published
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("spring_2026")
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_no_input_gets_a_server_error(case, data):
    response = case.call()
    assert response.status_code < 500, f"{case.method} {case.formatted_path} → {response.status_code}"
