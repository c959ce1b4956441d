import re

from django.core.management import call_command

# A src or href to another host.
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


def test_openapi_schema_generates_without_warnings(db, capsys, tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text(encoding="utf-8")
    for path in ("/api/v1/objects/", "/api/v1/inspectors/", "/api/v1/items/", "/api/v1/plans/", "/api/v1/tasks/"):
        assert f"{path}:" in schema


def test_schema_and_docs_are_served_offline(client, coordinator, login):
    login(coordinator)
    assert client.get("/api/v1/schema/").status_code == 200
    docs = client.get("/api/v1/docs/").content.decode()
    # Nothing loaded from another host (a word search for "cdn" once matched a random CSP nonce).
    assert "swagger-ui" in docs and not EXTERNAL.search(docs)
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_schema_and_docs_are_for_staff_only(client, db):
    # Issue 11, item 14: the staff API's schema and docs were served to anyone.
    assert client.get("/api/v1/schema/").status_code == 401
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/docs/?script=").status_code == 302


def test_api_refuses_anonymous_and_no_role(client, nobody, login):
    assert client.get("/api/v1/objects/").status_code == 401
    assert login(nobody).get("/api/v1/objects/").status_code == 404  # no role: nothing of the back office


def test_the_staff_api_is_versioned(client, coordinator, login):
    login(coordinator)
    # /api/ alone leads to the docs of the current version; nothing answers outside a version.
    response = client.get("/api/")
    assert response.status_code == 302 and response["Location"] == "/api/v1/docs/"
    assert client.get("/api/objects/").status_code == 404
    assert '"/api/v1/objects/"' in client.get("/api/v1/schema/?format=json").content.decode()
