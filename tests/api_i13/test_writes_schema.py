"""The OpenAPI schema documents the evidence and follow-up writes (apiw13): each operation with
its request body (the upload as multipart) and its answers."""

from drf_spectacular.generators import SchemaGenerator


def _operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        op["operationId"]: op
        for path in schema["paths"].values()
        for method, op in path.items()
        if isinstance(op, dict) and "operationId" in op
    }


def test_the_writes_are_in_the_schema(db):
    ops = _operations()
    upload = ops["visits_evidence_create"]
    assert list(upload["requestBody"]["content"]) == ["multipart/form-data"]
    assert {"201", "200", "413"} <= set(upload["responses"])
    for name, body in [
        ("evidence_withdraw_create", "EvidenceWithdraw"),
        ("item_results_followups_create", "FollowUpOpen"),
        ("followups_close_create", "FollowUpClose"),
        ("followups_withdraw_create", "FollowUpWithdraw"),
        ("followups_recheck_create", "ReCheckRecord"),
        ("notices_handled_create", "NoticeHandled"),
    ]:
        schema = ops[name]["requestBody"]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith(f"/{body}"), name
    assert "requestBody" not in ops["notices_read_create"]
    for name in ("evidence_retrieve", "item_results_list", "item_results_retrieve", "notices_list"):
        assert name in ops
