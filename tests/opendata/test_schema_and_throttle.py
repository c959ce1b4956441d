"""The open data API stands apart from the staff one: its own schema and docs for anyone (offline),
no session or token authentication, throttled per address with 429 and Retry-After."""

import json
import re

import pytest
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db

# A src or href to another host.
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


def _schema(client, url):
    response = client.get(url, {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_public_schema_has_only_the_open_data(client):
    paths = set(_schema(client, "/public/api/v1/schema/")["paths"])
    assert paths >= {
        "/public/api/v1/items/",
        "/public/api/v1/plans/",
        "/public/api/v1/tasks/",
        "/public/api/v1/tasks/{code}/record/",
        "/public/api/v1/results/",
        "/public/api/v1/enterprises/{public_code}/results/",
        "/public/api/v1/codes/",
        "/public/api/v1/notices/",
    }
    assert all(p.startswith("/public/api/v1/") for p in paths)
    schema = _schema(client, "/public/api/v1/schema/")
    for path, operations in schema["paths"].items():
        assert set(operations) - {"parameters"} == {"get"}, path  # read-only
    # Every list documents its filters and paging.
    names = {p["name"] for p in schema["paths"]["/public/api/v1/results/"]["get"]["parameters"]}
    assert names >= {"page", "page_size", "department", "region", "year", "date_from", "date_to", "q", "uscc", "result"}


def test_the_staff_schema_leaves_the_open_data_out(client, coordinator):
    client.force_login(coordinator)
    paths = set(_schema(client, "/api/v1/schema/")["paths"])
    assert "/api/v1/objects/" in paths
    assert not [p for p in paths if p.startswith("/public/")]


def test_the_public_schema_is_valid_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--custom-settings",
        "spotcheck.opendata.schema.SCHEMA_SETTINGS",
        "--file",
        str(out),
    )
    assert "/public/api/v1/results/:" in out.read_text(encoding="utf-8")


def test_docs_are_served_to_anyone_offline(client):
    docs = client.get("/public/api/v1/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "swagger-ui" in page and not EXTERNAL.search(page)
    script = client.get("/public/api/v1/docs/?script=")
    assert script.status_code == 200 and "/public/api/v1/schema/" in script.content.decode()


def test_no_authentication_at_all(client, db):
    # A bad token or a session is neither checked nor needed: the API answers as to anyone.
    response = client.get("/public/api/v1/codes/", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers and "csrftoken" not in response.cookies


def test_codes_list_every_code_list(client, scjg, county):
    body = client.get("/public/api/v1/codes/").json()
    assert set(body) >= {
        "result_codes",
        "methods",
        "task_kinds",
        "object_kinds",
        "followup_kinds",
        "item_categories",
        "item_methods",
        "plan_kinds",
        "departments",
        "regions",
    }
    assert {"code": "1", "label": "未发现问题"} in body["result_codes"]["codes"]
    assert {"code": "A", "label": "发现问题待后续处理"} in body["result_codes"]["codes"]
    assert body["departments"]["codes"] == [{"code": "SCJG", "label": scjg.name, "region": county.code}]
    assert all(entry["title"] and entry["used_in"] for entry in body.values())


@override_settings(SPOTCHECK_OPENDATA_RATE="3/minute")
def test_throttled_per_address(client):
    for _ in range(3):
        assert client.get("/public/api/v1/codes/", REMOTE_ADDR="10.0.0.1").status_code == 200
    refused = client.get("/public/api/v1/items/", REMOTE_ADDR="10.0.0.1")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert client.get("/public/api/v1/schema/", REMOTE_ADDR="10.0.0.1").status_code == 429
    # Another address has its own count.
    assert client.get("/public/api/v1/codes/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_the_staff_api_keeps_its_own_rules(client):
    # Its schema and docs stay for staff, whatever the open data allows.
    assert client.get("/api/v1/schema/").status_code == 401
    assert client.get("/api/v1/results/").status_code in (401, 404)
