import pytest

from spotcheck.audit.services import audit_record


@pytest.fixture
def some_entries(scjg_admin):
    audit_record(
        actor=scjg_admin,
        action="directory.object.update",
        target_repr="溧阳市天目湖茶业有限公司",
        target_type="directory.inspectionobject",
        target_id="7",
        before={"credit_level": "B"},
        after={"credit_level": "C"},
    )
    audit_record(actor=scjg_admin, action="imports.objects.import", target_repr="objects.xlsx")


def test_auditor_browses_and_filters_the_trail(login, auditor, some_entries):
    client = login(auditor)
    rows = client.get("/audit/").content.decode().split("</thead>")[1]
    assert "修改检查对象" in rows and "导入检查对象" in rows
    rows = client.get("/audit/?action=imports").content.decode().split("</thead>")[1]
    assert "导入检查对象" in rows and "修改检查对象" not in rows


def test_entry_detail_shows_before_and_after(login, auditor, some_entries):
    body = login(auditor).get("/audit/1/").content.decode()
    assert "信用等级" in body and "credit_level" not in body and "天目湖茶业" in body


def test_chain_check_button(login, auditor, some_entries):
    body = login(auditor).post("/audit/verify/").content.decode()
    assert "哈希链完整" in body


@pytest.mark.parametrize("persona", ["coordinator", "scjg_admin", "wsjk_admin", "scjg_inspector", "nobody"])
def test_others_cannot_read_the_trail(request, login, persona, some_entries):
    client = login(request.getfixturevalue(persona))
    assert client.get("/audit/").status_code == 404
    assert client.get("/audit/1/").status_code == 404


def test_anonymous_is_sent_to_login(client, some_entries):
    assert client.get("/audit/")["Location"].startswith("/accounts/login/")
