import pytest
from django.utils import timezone

from spotcheck.audit.models import AuditEntry
from spotcheck.directory.models import InspectionObject
from tests.factories import InspectionObjectFactory, make_uscc

pytestmark = pytest.mark.django_db

LIST = "/api/v1/objects/"


def detail(key) -> str:
    return f"/api/v1/objects/{key}/"


def payload(towns, **overrides):
    data = {
        "uscc": make_uscc(21),
        "name": "溧阳市接口测试有限公司",
        "region": towns[1].code,
        "owner_department": "SCJG",
        "industry": "52",
        "tags": ["small_micro"],
        "supervising_departments": ["WSJK"],
    }
    data.update(overrides)
    return data


def test_list_filters_and_pages(login, coordinator, towns):
    for n in range(3):
        InspectionObjectFactory(name=f"天目湖商店{n}", region=towns[2])
    InspectionObjectFactory(name="溧城超市", region=towns[0], risk_level="high")
    client = login(coordinator)
    body = client.get(LIST, {"region": towns[2].code}).json()
    assert body["count"] == 3
    assert {row["name"] for row in body["results"]} == {"天目湖商店0", "天目湖商店1", "天目湖商店2"}
    assert client.get(LIST, {"risk_level": "high"}).json()["results"][0]["name"] == "溧城超市"
    assert client.get(LIST, {"name": "商店"}).json()["count"] == 3
    assert client.get(LIST, {"region": "nope"}).status_code == 400


def test_list_is_scoped(login, wsjk_admin, obj):
    assert login(wsjk_admin).get(LIST).json()["count"] == 0


def test_detail_by_public_code_and_by_id(login, scjg_inspector, obj):
    client = login(scjg_inspector)
    by_code = client.get(detail(obj.public_code))
    assert by_code.status_code == 200
    assert by_code.json()["name"] == obj.name
    assert by_code.json()["region"] == "320481100"
    assert client.get(detail(obj.public_code.lower())).json()["id"] == obj.pk
    assert client.get(detail(obj.pk)).json()["public_code"] == obj.public_code
    assert client.get(detail("NO-SUCH-CODE")).status_code == 404


def test_create_through_the_api(login, scjg_admin, towns, wsjk):
    response = login(scjg_admin).post(LIST, payload(towns), content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["public_code"] == make_uscc(21)
    assert body["supervising_departments"] == ["WSJK"]
    created = InspectionObject.objects.get(public_code=make_uscc(21))
    assert created.industry.code == "52"
    assert AuditEntry.objects.filter(action="directory.object.create", target_id=str(created.pk)).exists()


def test_create_bad_uscc_is_400_in_chinese(login, scjg_admin, towns, wsjk):
    good = make_uscc(21)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = login(scjg_admin).post(LIST, payload(towns, uscc=bad), content_type="application/json")
    assert response.status_code == 400
    assert "统一社会信用代码" in response.json()["uscc"][0]
    assert not InspectionObject.objects.exists()


def test_create_product_gets_platform_code(login, scjg_admin, towns, wsjk):
    response = login(scjg_admin).post(
        LIST, payload(towns, kind="product", uscc=None, name="某品牌插座"), content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["public_code"] == "P320481-000001"


def test_create_for_another_department_is_403(login, wsjk_admin, towns, scjg):
    response = login(wsjk_admin).post(LIST, payload(towns), content_type="application/json")
    assert response.status_code == 403
    assert not InspectionObject.objects.exists()


def test_patch_update_and_level_note(login, scjg_admin, obj):
    client = login(scjg_admin)
    response = client.patch(detail(obj.public_code), {"address": "新地址"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["address"] == "新地址"
    refused = client.patch(detail(obj.pk), {"risk_level": "high"}, content_type="application/json")
    assert refused.status_code == 400
    assert "level_reason" in refused.json()
    ok = client.patch(
        detail(obj.pk),
        {"risk_level": "high", "level_reason": "投诉较多", "level_source": "部门评定"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["risk_level"] == "high"
    assert obj.level_changes.get().reason == "投诉较多"


def test_level_retire_restore_actions(login, scjg_admin, obj):
    client = login(scjg_admin)
    response = client.post(
        detail(obj.public_code) + "level/",
        {
            "field": "credit_level",
            "new_value": "D",
            "effective_on": timezone.localdate().isoformat(),
            "reason": "列入严重违法失信名单",
            "source": "信用中国",
        },
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["credit_level"] == "D"
    assert client.post(detail(obj.pk) + "retire/", {}, content_type="application/json").status_code == 400
    retired = client.post(detail(obj.pk) + "retire/", {"reason": "注销"}, content_type="application/json")
    assert retired.json()["is_retired"] is True
    restored = client.post(detail(obj.pk) + "restore/", {"reason": "误操作"}, content_type="application/json")
    assert restored.json()["is_retired"] is False


@pytest.mark.parametrize(
    ("persona", "read", "write"),
    [
        ("coordinator", 200, 200),
        ("scjg_admin", 200, 200),
        ("wsjk_admin", 404, 404),
        ("scjg_inspector", 200, 403),
        ("scjg_approver", 200, 403),
        ("witness", 404, 404),  # a witness-only user reads nothing of the directory (issue 11)
        ("auditor", 200, 403),
        ("nobody", 404, 404),
    ],
)
def test_permissions_per_persona(login, request, persona, read, write, obj):
    client = login(request.getfixturevalue(persona))
    assert client.get(detail(obj.pk)).status_code == read
    assert client.patch(detail(obj.pk), {"name": "改名"}, content_type="application/json").status_code == write
    retire = client.post(detail(obj.pk) + "retire/", {"reason": "x"}, content_type="application/json")
    assert retire.status_code == write
    obj.refresh_from_db()
    assert (obj.name == "改名") is (write == 200)


def test_no_role_list_is_404(login, nobody):
    assert login(nobody).get(LIST).status_code == 404


def test_anonymous_is_refused(client, obj):
    assert client.get(LIST).status_code == 401
    assert client.get(detail(obj.pk)).status_code == 401
    assert client.post(LIST, {}, content_type="application/json").status_code == 401
