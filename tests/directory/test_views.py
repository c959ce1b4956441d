import pytest
from django.urls import reverse
from django.utils import timezone

from spotcheck.audit.models import AuditEntry
from spotcheck.directory.models import InspectionObject, LevelChange, ObjectLicence, Penalty
from spotcheck.directory.services import object_change_level, object_create
from tests.factories import InspectionObjectFactory, ObjectLicenceFactory, make_uscc

pytestmark = pytest.mark.django_db


def form_data(towns, scjg, **overrides):
    data = {
        "kind": "enterprise",
        "uscc": make_uscc(11),
        "name": "溧阳市新开张超市有限公司",
        "legal_representative": "李四",
        "address": "溧城街道昆仑路 8 号",
        "region": towns[0].pk,
        "status": "active",
        "risk_level": "general",
        "credit_level": "B",
        "annual_report_status": "reported",
        "owner_department": scjg.pk,
    }
    data.update(overrides)
    return data


# --- list ---------------------------------------------------------------------------------------


def test_list_anonymous_is_sent_to_login(client):
    response = client.get(reverse("directory:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_list_no_role_gets_404(login, nobody):
    assert login(nobody).get(reverse("directory:list")).status_code == 404


def test_list_query_count_is_pinned(login, scjg_admin, scjg, wsjk, towns, django_assert_max_num_queries):
    for n in range(60):
        InspectionObjectFactory(owner_department=scjg, region=towns[n % 3], supervising_departments=[wsjk])
    client = login(scjg_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("directory:list"), {"region": "320481"})
    assert response.status_code == 200
    assert len(response.context["objects"]) == 50
    assert response.context["page_obj"].paginator.count == 60
    assert "共 60 个检查对象" in response.content.decode()
    with django_assert_max_num_queries(12):
        assert client.get(reverse("directory:list"), {"page": 2}).status_code == 200


def test_list_filters_counts_badges_and_export_link(login, coordinator, scjg, towns):
    InspectionObjectFactory(name="天目湖便利店", region=towns[2], in_abnormal_list=True, in_serious_violation_list=True)
    InspectionObjectFactory(name="溧城食堂", region=towns[0])
    response = login(coordinator).get(reverse("directory:list"), {"region": towns[2].code, "q": "便利"})
    body = response.content.decode()
    assert [o.name for o in response.context["objects"]] == ["天目湖便利店"]
    assert "经营异常" in body and "严重违法失信" in body
    assert "溧城食堂" not in body
    assert f"/imports/export/objects/?region={towns[2].code}&amp;q=%E4%BE%BF%E5%88%A9" in body


def test_list_htmx_returns_only_the_results(login, coordinator, obj):
    response = login(coordinator).get(reverse("directory:list"), {"q": "好味道"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "溧阳市好味道餐饮有限公司" in body
    assert "<html" not in body


def test_list_shows_create_button_only_to_writers(login, scjg_admin, scjg_inspector):
    assert reverse("directory:create") in login(scjg_admin).get(reverse("directory:list")).content.decode()
    assert reverse("directory:create") not in login(scjg_inspector).get(reverse("directory:list")).content.decode()


# --- detail -------------------------------------------------------------------------------------


def test_detail_shows_facts_licences_penalties_and_history(login, scjg_admin, scjg, towns):
    created = object_create(
        actor=scjg_admin,
        data={
            "uscc": make_uscc(12),
            "name": "历史公司",
            "region": towns[0],
            "owner_department": scjg,
            "tags": ["catering"],
        },
    )
    object_change_level(
        actor=scjg_admin,
        obj=created,
        field="credit_level",
        new_value="C",
        effective_on=timezone.localdate(),
        reason="年报逾期",
        source="信用风险分类结果",
    )
    ObjectLicenceFactory(inspection_object=created, number="JY-123")
    Penalty.objects.create(
        inspection_object=created,
        department=scjg,
        decision_number="溧市监罚〔2026〕1号",
        decided_on=timezone.localdate(),
        summary="未按规定公示",
    )
    body = login(scjg_admin).get(reverse("directory:detail", args=[created.pk])).content.decode()
    for text in [
        created.public_code,
        "餐饮服务",
        "JY-123",
        "溧市监罚〔2026〕1号",
        "年报逾期",
        "信用风险分类结果",
        "调整检查对象等级",
    ]:
        assert text in body
    assert reverse("directory:edit", args=[created.pk]) in body


def test_detail_hides_write_actions_from_read_only_roles(login, scjg_inspector, obj):
    response = login(scjg_inspector).get(reverse("directory:detail", args=[obj.pk]))
    assert response.status_code == 200
    assert reverse("directory:edit", args=[obj.pk]) not in response.content.decode()


def test_detail_other_department_gets_404(login, wsjk_admin, obj):
    assert login(wsjk_admin).get(reverse("directory:detail", args=[obj.pk])).status_code == 404


def test_detail_no_role_gets_404(login, nobody, obj):
    assert login(nobody).get(reverse("directory:detail", args=[obj.pk])).status_code == 404


# --- create -------------------------------------------------------------------------------------


def test_create_through_the_form(login, scjg_admin, scjg, towns):
    response = login(scjg_admin).post(reverse("directory:create"), form_data(towns, scjg))
    created = InspectionObject.objects.get(name="溧阳市新开张超市有限公司")
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:detail", args=[created.pk])
    assert created.public_code == make_uscc(11)
    assert AuditEntry.objects.filter(action="directory.object.create", target_id=str(created.pk)).exists()


def test_create_shows_chinese_uscc_error(login, scjg_admin, scjg, towns):
    bad = make_uscc(11)[:-1] + ("0" if make_uscc(11)[-1] != "0" else "1")
    response = login(scjg_admin).post(reverse("directory:create"), form_data(towns, scjg, uscc=bad))
    assert response.status_code == 200
    assert "统一社会信用代码" in response.context["form"].errors["uscc"][0]
    assert "校验位不正确" in response.content.decode()
    assert not InspectionObject.objects.exists()


def test_create_product_without_uscc_gets_platform_code(login, scjg_admin, scjg, towns):
    login(scjg_admin).post(
        reverse("directory:create"), form_data(towns, scjg, kind="product", uscc="", name="电热水壶")
    )
    assert InspectionObject.objects.get(name="电热水壶").public_code == "P320481-000001"


def test_create_enterprise_without_uscc_error_under_the_field(login, scjg_admin, scjg, towns):
    response = login(scjg_admin).post(reverse("directory:create"), form_data(towns, scjg, uscc=""))
    assert response.context["form"].errors["uscc"] == ["企业须填写统一社会信用代码。"]


def test_create_read_only_role_gets_403(login, scjg_inspector, scjg, towns):
    client = login(scjg_inspector)
    assert client.get(reverse("directory:create")).status_code == 403
    assert client.post(reverse("directory:create"), form_data(towns, scjg)).status_code == 403
    assert not InspectionObject.objects.exists()


def test_create_for_other_department_is_refused(login, wsjk_admin, scjg, towns):
    response = login(wsjk_admin).post(reverse("directory:create"), form_data(towns, scjg))
    # The form only offers the user's own departments.
    assert response.status_code == 200
    assert "owner_department" in response.context["form"].errors
    assert not InspectionObject.objects.exists()


def test_create_no_role_gets_404_and_anonymous_login(login, client, nobody):
    assert client.get(reverse("directory:create")).status_code == 302
    assert login(nobody).get(reverse("directory:create")).status_code == 404


# --- edit ---------------------------------------------------------------------------------------


def edit_data(obj, towns, scjg, **overrides):
    data = form_data(towns, scjg, uscc=obj.uscc, name=obj.name)
    data.update(overrides)
    return data


def test_edit_through_the_form(login, scjg_admin, scjg, towns, obj):
    client = login(scjg_admin)
    assert client.get(reverse("directory:edit", args=[obj.pk])).status_code == 200
    response = client.post(reverse("directory:edit", args=[obj.pk]), edit_data(obj, towns, scjg, name="改名公司"))
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.name == "改名公司"


def test_edit_level_change_needs_reason(login, scjg_admin, scjg, towns, obj):
    client = login(scjg_admin)
    url = reverse("directory:edit", args=[obj.pk])
    response = client.post(url, edit_data(obj, towns, scjg, risk_level="high"))
    assert response.status_code == 200
    assert response.context["form"].errors["level_reason"]
    obj.refresh_from_db()
    assert obj.risk_level == "general"
    client.post(url, edit_data(obj, towns, scjg, risk_level="high", level_reason="投诉较多", level_source="部门评定"))
    obj.refresh_from_db()
    assert obj.risk_level == "high"
    assert LevelChange.objects.get(inspection_object=obj).reason == "投诉较多"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("scjg_inspector", 403), ("scjg_approver", 403), ("auditor", 403), ("witness", 404)],  # witness: issue 11
)
def test_edit_read_only_role_gets_403(login, request, persona, status, scjg, towns, obj):
    client = login(request.getfixturevalue(persona))
    url = reverse("directory:edit", args=[obj.pk])
    assert client.get(url).status_code == status
    assert client.post(url, edit_data(obj, towns, scjg, name="x")).status_code == status
    obj.refresh_from_db()
    assert obj.name != "x"


def test_edit_other_department_gets_404(login, wsjk_admin, scjg, towns, obj):
    client = login(wsjk_admin)
    url = reverse("directory:edit", args=[obj.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, edit_data(obj, towns, scjg, name="x")).status_code == 404


def test_edit_no_role_404_anonymous_login(login, client, nobody, obj):
    url = reverse("directory:edit", args=[obj.pk])
    assert client.get(url).status_code == 302
    assert login(nobody).get(url).status_code == 404


# --- retire / restore / level ------------------------------------------------------------------


def test_retire_and_restore_through_the_client(login, scjg_admin, obj):
    client = login(scjg_admin)
    retire = reverse("directory:retire", args=[obj.pk])
    response = client.post(retire, {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert client.post(retire, {"reason": "企业已注销"}).status_code == 302
    obj.refresh_from_db()
    assert obj.is_retired and obj.retired_reason == "企业已注销"
    assert obj.name not in client.get(reverse("directory:list")).content.decode()
    assert client.post(reverse("directory:restore", args=[obj.pk]), {"reason": "停用有误"}).status_code == 302
    obj.refresh_from_db()
    assert not obj.is_retired


def test_level_form(login, scjg_admin, obj):
    client = login(scjg_admin)
    url = reverse("directory:level", args=[obj.pk])
    assert "新的信用等级" in client.get(url, {"field": "credit_level"}).content.decode()
    response = client.post(
        url,
        {
            "field": "credit_level",
            "new_value": "A",
            "effective_on": timezone.localdate().isoformat(),
            "reason": "信用修复",
            "source": "信用风险分类结果",
        },
    )
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.credit_level == "A"
    same = client.post(
        url,
        {
            "field": "credit_level",
            "new_value": "A",
            "effective_on": timezone.localdate().isoformat(),
            "reason": "r",
            "source": "s",
        },
    )
    assert same.context["form"].errors["new_value"] == ["新的信用等级与当前等级相同。"]


# --- licences and penalties ---------------------------------------------------------------------


def test_licence_add_and_retire(login, scjg_admin, scjg_inspector, obj):
    from spotcheck.directory.models import LicenceKind

    client = login(scjg_admin)
    kind = LicenceKind.objects.get(code="food_business")
    url = reverse("directory:licence_add", args=[obj.pk])
    assert client.post(url, {"kind": kind.pk, "number": "JY888", "valid_until": "2030-12-31"}).status_code == 302
    licence = ObjectLicence.objects.get(inspection_object=obj)
    retire = reverse("directory:licence_retire", args=[obj.pk, licence.pk])
    assert client.post(retire, {"reason": "到期"}).status_code == 302
    licence.refresh_from_db()
    assert licence.is_retired
    assert login(scjg_inspector).post(url, {"kind": kind.pk, "number": "JY999"}).status_code == 403


def test_penalty_add(login, scjg_admin, scjg, scjg_inspector, obj):
    url = reverse("directory:penalty_add", args=[obj.pk])
    data = {
        "department": scjg.pk,
        "decision_number": "溧市监罚〔2026〕9号",
        "decided_on": "2026-01-10",
        "summary": "无证经营",
    }
    assert login(scjg_admin).post(url, data).status_code == 302
    assert Penalty.objects.get().inspection_object == obj
    assert login(scjg_inspector).post(url, data).status_code == 403
