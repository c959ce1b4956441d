from django.core.management import call_command


def test_openapi_schema_generates_without_warnings(db, capsys, tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text(encoding="utf-8")
    for path in ("/api/objects/", "/api/inspectors/", "/api/items/", "/api/plans/", "/api/tasks/"):
        assert f"{path}:" in schema


def test_schema_and_docs_are_served_offline(client, db):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn" not in docs.lower()


def test_api_refuses_anonymous_and_no_role(client, nobody, login):
    assert client.get("/api/objects/").status_code in {401, 403}
    assert login(nobody).get("/api/objects/").status_code in {403, 404}
