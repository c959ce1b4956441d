import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from spotcheck.audit.models import AuditEntry
from spotcheck.inspectors.models import Inspector, Recusal
from tests.factories import InspectorFactory, QualificationFactory

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"inspectors:{name}", args=args)


def views_audit():
    return list(AuditEntry.objects.filter(action="inspectors.recusal.view"))


WRITE_PAGES = ["edit", "retire", "availability"]


class TestAnonymousAndNoRole:
    @pytest.mark.parametrize("name", ["list", "create", "recusals"])
    def test_anonymous_goes_to_login(self, client, name):
        response = client.get(url(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))

    def test_anonymous_detail_goes_to_login(self, client, scjg_officer):
        response = client.get(url("detail", scjg_officer.pk))
        assert response.status_code == 302

    def test_no_role_gets_404(self, login, nobody, scjg_officer, scjg_recusal):
        client = login(nobody)
        for path in (
            url("list"),
            url("create"),
            url("recusals"),
            url("detail", scjg_officer.pk),
            url("edit", scjg_officer.pk),
            url("recusal_create", scjg_officer.pk),
            url("recusal_end", scjg_recusal.pk),
        ):
            assert client.get(path).status_code == 404, path


class TestList:
    def test_shows_own_department_with_badges_and_export_link(self, login, scjg_admin, scjg, wsjk_officer, today):
        food = QualificationFactory(code="v_food", name="食品安全监管X")
        ok = InspectorFactory(department=scjg, name="有效甲", can_lead=True)
        ok.qualifications.set([food])
        InspectorFactory(department=scjg, name="将到期乙", certificate_expires_on=today + dt.timedelta(days=20))
        InspectorFactory(department=scjg, name="已过期丙", certificate_expires_on=today - dt.timedelta(days=2))

        response = login(scjg_admin).get(url("list"), {"kind": "civil_servant", "page": "1"})

        assert response.status_code == 200
        html = response.content.decode()
        assert "有效甲" in html and "食品安全监管X" in html
        assert wsjk_officer.name not in html
        assert '<span class="badge warn">30 天内到期</span>' in html
        assert '<span class="badge err">已过期</span>' in html
        assert 'href="/imports/export/inspectors/?kind=civil_servant"' in html
        assert url("create") in html

    def test_read_only_role_sees_no_create_button(self, login, scjg_inspector, scjg_officer):
        html = login(scjg_inspector).get(url("list")).content.decode()
        assert scjg_officer.name in html
        assert url("create") not in html

    def test_filter_errors_are_shown(self, login, scjg_admin):
        response = login(scjg_admin).get(url("list"), {"certificate_expires_within": "-1"})
        assert response.status_code == 200
        assert 'class="fielderror"' in response.content.decode()

    def test_query_count_does_not_grow_with_rows(self, login, coordinator, scjg, wsjk, towns):
        quals = [QualificationFactory(code=f"qc{n}") for n in range(3)]
        for n in range(60):
            inspector = InspectorFactory(department=scjg if n % 2 else wsjk)
            inspector.qualifications.set(quals[: n % 3 + 1])
            inspector.jurisdictions.set(towns[:1])
        client = login(coordinator)
        client.get(url("list"))  # warm up the session and caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("list"))
        assert response.status_code == 200
        assert len(response.context["page_obj"]) == 50
        # session, user, memberships (scope), count, page, the page's qualifications, and the
        # choices of three filters (departments, qualifications, regions)
        assert len(queries) == 9, [q["sql"] for q in queries]


class TestDetail:
    def test_shows_facts_and_matchability(self, login, scjg_admin, scjg_officer):
        response = login(scjg_admin).get(url("detail", scjg_officer.pk))
        html = response.content.decode()
        assert response.status_code == 200
        assert scjg_officer.code in html
        assert "食品安全监管" in html
        assert "溧城街道" in html
        assert response.context["matchable"] is True

    def test_reason_why_not_matchable(self, login, scjg_admin, scjg, today):
        expired = InspectorFactory(department=scjg, certificate_expires_on=today - dt.timedelta(days=3))
        response = login(scjg_admin).get(url("detail", expired.pk))
        assert response.context["matchable"] is False
        assert f"执法证已于 {today - dt.timedelta(days=3)} 过期" in response.content.decode()

    def test_other_department_gets_404(self, login, wsjk_admin, scjg_officer):
        assert login(wsjk_admin).get(url("detail", scjg_officer.pk)).status_code == 404

    def test_own_department_sees_recusals_and_the_view_is_audited(self, login, scjg_admin, scjg_recusal):
        response = login(scjg_admin).get(url("detail", scjg_recusal.inspector_id))
        assert scjg_recusal.reason in response.content.decode()
        [entry] = views_audit()
        assert entry.actor == scjg_admin
        assert entry.after["recusal_ids"] == [scjg_recusal.pk]
        assert entry.after["inspector_id"] == scjg_recusal.inspector_id

    def test_coordinator_does_not_see_recusals(self, login, coordinator, scjg_recusal):
        response = login(coordinator).get(url("detail", scjg_recusal.inspector_id))
        assert response.status_code == 200
        assert scjg_recusal.reason not in response.content.decode()
        assert response.context["recusals"] is None
        assert views_audit() == []

    def test_auditor_sees_recusals(self, login, auditor, scjg_recusal):
        response = login(auditor).get(url("detail", scjg_recusal.inspector_id))
        assert scjg_recusal.reason in response.content.decode()
        assert len(views_audit()) == 1

    def test_history_shows_the_inspectors_entries(self, login, scjg_admin, scjg_officer):
        from spotcheck.inspectors.services import inspector_update

        inspector_update(
            actor=scjg_admin, inspector=scjg_officer, changes={"phone": "13800000000", "kind": "qualified_staff"}
        )
        response = login(scjg_admin).get(url("detail", scjg_officer.pk))
        assert [e.action for e in response.context["history"]] == ["inspectors.inspector.update"]
        html = response.content.decode()
        assert "联系电话：" in html and "13800000000" in html
        assert '人员类别：<span class="muted">公务员</span> → 具有执法资格人员' in html


class TestCreateAndEdit:
    def test_create(self, login, scjg_admin, scjg, towns, food_safety, today):
        response = login(scjg_admin).post(
            url("create"),
            {
                "department": scjg.pk,
                "name": "新人员",
                "kind": "civil_servant",
                "certificate_number": "32048120250123",
                "certificate_expires_on": (today + dt.timedelta(days=700)).isoformat(),
                "qualifications": [food_safety.pk],
                "jurisdictions": [towns[1].pk, towns[2].pk],
                "can_lead": "on",
            },
        )
        inspector = Inspector.objects.get(name="新人员")
        assert response.status_code == 302
        assert response.url == url("detail", inspector.pk)
        assert inspector.code == "32048120250123"
        assert inspector.can_lead
        assert set(inspector.jurisdictions.all()) == {towns[1], towns[2]}
        assert AuditEntry.objects.filter(action="inspectors.inspector.create", target_id=str(inspector.pk)).exists()

    def test_service_errors_land_on_the_fields(self, login, scjg_admin, scjg):
        response = login(scjg_admin).post(
            url("create"), {"department": scjg.pk, "name": "缺证", "kind": "civil_servant"}
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert "公务员须填写执法证号。" in form.errors["certificate_number"]
        assert "公务员须填写执法证有效期。" in form.errors["certificate_expires_on"]
        assert not Inspector.objects.exists()

    def test_jurisdictions_are_limited_to_towns(self, login, scjg_admin, county, towns):
        form = login(scjg_admin).get(url("create")).context["form"]
        assert set(form.fields["jurisdictions"].queryset) == set(towns)
        assert county not in form.fields["jurisdictions"].queryset

    def test_department_choice_is_limited_to_writable_ones(self, login, wsjk_admin, scjg, wsjk, today):
        client = login(wsjk_admin)
        assert list(client.get(url("create")).context["form"].fields["department"].queryset) == [wsjk]
        response = client.post(
            url("create"),
            {
                "department": scjg.pk,
                "name": "越权",
                "kind": "civil_servant",
                "certificate_number": "1",
                "certificate_expires_on": today.isoformat(),
            },
        )
        assert response.status_code == 200
        assert "department" in response.context["form"].errors
        assert not Inspector.objects.exists()

    @pytest.mark.parametrize("persona", ["scjg_inspector", "scjg_approver", "auditor"])
    def test_read_only_roles_get_403_on_create(self, request, login, persona):
        assert login(request.getfixturevalue(persona)).get(url("create")).status_code == 403

    def test_witness_gets_404_on_create(self, login, witness):
        # A witness-only user reads nothing of the roster (issue 11, item 4).
        assert login(witness).get(url("create")).status_code == 404

    def test_edit(self, login, scjg_admin, scjg_officer):
        client = login(scjg_admin)
        form = client.get(url("edit", scjg_officer.pk)).context["form"]
        data = {k: v for k, v in form.initial.items() if v not in (None, "")}
        data["certificate_expires_on"] = scjg_officer.certificate_expires_on.isoformat()
        data["post"] = "一级主办"
        data["can_lead"] = ""
        response = client.post(url("edit", scjg_officer.pk), data)
        assert response.status_code == 302
        scjg_officer.refresh_from_db()
        assert scjg_officer.post == "一级主办"
        assert not scjg_officer.can_lead
        [entry] = AuditEntry.objects.filter(action="inspectors.inspector.update")
        assert entry.after == {"can_lead": False, "post": "一级主办"}

    @pytest.mark.parametrize("name", WRITE_PAGES)
    def test_write_pages_other_department_404(self, login, wsjk_admin, scjg_officer, name):
        client = login(wsjk_admin)
        assert client.get(url(name, scjg_officer.pk)).status_code == 404
        assert client.post(url(name, scjg_officer.pk), {"reason": "x"}).status_code == 404

    @pytest.mark.parametrize("name", [*WRITE_PAGES, "restore"])
    def test_write_pages_read_only_403(self, login, scjg_inspector, scjg_officer, name):
        client = login(scjg_inspector)
        assert client.get(url(name, scjg_officer.pk)).status_code == 403
        assert client.post(url(name, scjg_officer.pk), {"reason": "x"}).status_code == 403
        scjg_officer.refresh_from_db()
        assert scjg_officer.retired_at is None


class TestRetireRestoreAvailability:
    def test_retire_then_restore(self, login, scjg_admin, scjg_officer):
        client = login(scjg_admin)
        response = client.post(url("retire", scjg_officer.pk), {"reason": "调出本县"})
        assert response.status_code == 302
        scjg_officer.refresh_from_db()
        assert scjg_officer.retired_reason == "调出本县"
        assert scjg_officer.name not in client.get(url("list")).content.decode()

        response = client.post(url("retire", scjg_officer.pk), {"reason": "again"})
        assert response.status_code == 200
        assert "已于" in response.content.decode()

        assert client.post(url("restore", scjg_officer.pk), {"reason": ""}).status_code == 302
        scjg_officer.refresh_from_db()
        assert scjg_officer.retired_at is None

    def test_retire_needs_a_reason(self, login, scjg_admin, scjg_officer):
        response = login(scjg_admin).post(url("retire", scjg_officer.pk), {"reason": ""})
        assert response.status_code == 200
        assert response.context["form"].errors["reason"]

    def test_availability(self, login, scjg_admin, scjg_officer, today):
        client = login(scjg_admin)
        response = client.post(
            url("availability", scjg_officer.pk),
            {"availability": "transferred", "available_from": today.isoformat(), "reason": "调往他部门"},
        )
        assert response.status_code == 302
        scjg_officer.refresh_from_db()
        assert not scjg_officer.is_matchable_on(today)
        detail = client.get(url("detail", scjg_officer.pk))
        assert detail.context["matchable"] is False
        assert "调离" in detail.content.decode()

    def test_availability_errors_on_fields(self, login, scjg_admin, scjg_officer, today):
        response = login(scjg_admin).post(
            url("availability", scjg_officer.pk),
            {
                "availability": "transferred",
                "available_from": today.isoformat(),
                "available_until": today.isoformat(),
                "reason": "x",
            },
        )
        assert response.status_code == 200
        assert "调离不设截止日期" in response.context["form"].errors["available_until"][0]


class TestRecusalPages:
    def test_list_for_the_department_is_audited(self, login, scjg_admin, scjg_recusal, wsjk_recusal):
        response = login(scjg_admin).get(url("recusals"), {"status": "all"})
        assert response.status_code == 200
        assert list(response.context["page_obj"]) == [scjg_recusal]
        [entry] = views_audit()
        assert entry.after == {"inspector_id": None, "recusal_ids": [scjg_recusal.pk], "query": "status=all"}

    def test_auditor_sees_all(self, login, auditor, scjg_recusal, wsjk_recusal):
        response = login(auditor).get(url("recusals"))
        assert set(response.context["page_obj"]) == {scjg_recusal, wsjk_recusal}
        # The auditor reads, but may not end one.
        assert url("recusal_end", scjg_recusal.pk) not in response.content.decode()

    @pytest.mark.parametrize("persona", ["coordinator", "witness"])
    def test_hidden_from_coordinator_and_witness(self, request, login, scjg_recusal, persona):
        client = login(request.getfixturevalue(persona))
        assert client.get(url("recusals")).status_code == 404
        assert client.get(url("recusal_end", scjg_recusal.pk)).status_code == 404
        assert client.get(url("recusal_create", scjg_recusal.inspector_id)).status_code == 404
        assert views_audit() == []

    def test_hidden_from_the_other_department(self, login, wsjk_admin, scjg_recusal):
        client = login(wsjk_admin)
        assert list(client.get(url("recusals")).context["page_obj"]) == []
        assert client.get(url("recusal_end", scjg_recusal.pk)).status_code == 404
        assert client.post(url("recusal_end", scjg_recusal.pk), {"reason": "x"}).status_code == 404
        assert client.get(url("recusal_create", scjg_recusal.inspector_id)).status_code == 404
        scjg_recusal.refresh_from_db()
        assert scjg_recusal.is_active

    def test_create_by_uscc(self, login, scjg_admin, scjg_officer, shop):
        response = login(scjg_admin).post(
            url("recusal_create", scjg_officer.pk), {"object_code": shop.uscc.lower(), "reason": "曾在该企业任职"}
        )
        assert response.status_code == 302
        recusal = Recusal.objects.get()
        assert (recusal.inspector, recusal.inspection_object, recusal.created_by) == (scjg_officer, shop, scjg_admin)

    def test_unknown_object_is_a_clear_error(self, login, scjg_admin, scjg_officer):
        response = login(scjg_admin).post(
            url("recusal_create", scjg_officer.pk), {"object_code": "91320481MA1YYYYYYY", "reason": "x"}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["object_code"] == [
            "没有统一社会信用代码或公开编码为“91320481MA1YYYYYYY”的检查对象，请核对后重新填写。"
        ]
        assert not Recusal.objects.exists()

    def test_duplicate_is_refused_on_the_form(self, login, scjg_admin, scjg_recusal):
        response = login(scjg_admin).post(
            url("recusal_create", scjg_recusal.inspector_id),
            {"object_code": scjg_recusal.inspection_object.public_code, "reason": "again"},
        )
        assert response.status_code == 200
        assert "已有有效的回避关系" in response.content.decode()
        assert Recusal.objects.count() == 1

    def test_read_only_role_gets_403(self, login, scjg_inspector, scjg_recusal):
        client = login(scjg_inspector)
        assert client.get(url("recusal_create", scjg_recusal.inspector_id)).status_code == 403
        assert client.post(url("recusal_end", scjg_recusal.pk), {"reason": "x"}).status_code == 403

    def test_end(self, login, scjg_admin, scjg_recusal):
        response = login(scjg_admin).post(url("recusal_end", scjg_recusal.pk), {"reason": "已离职"})
        assert response.status_code == 302
        scjg_recusal.refresh_from_db()
        assert scjg_recusal.ended_reason == "已离职"


class TestRegionWideRoles:
    def test_coordinator_edits_any_department(self, login, coordinator, wsjk_officer):
        client = login(coordinator)
        assert client.get(url("edit", wsjk_officer.pk)).status_code == 200
        response = client.post(url("retire", wsjk_officer.pk), {"reason": "借调市局"})
        assert response.status_code == 302
        wsjk_officer.refresh_from_db()
        assert wsjk_officer.retired_reason == "借调市局"

    def test_auditor_reads_everything_and_writes_nothing(self, login, auditor, scjg_officer, wsjk_officer):
        client = login(auditor)
        html = client.get(url("list")).content.decode()
        assert scjg_officer.name in html and wsjk_officer.name in html
        assert url("create") not in html
        assert client.get(url("edit", wsjk_officer.pk)).status_code == 403
        assert client.get(url("create")).status_code == 403

    def test_sysadmin_sees_and_ends_recusals(self, login, sysadmin, wsjk_recusal):
        client = login(sysadmin)
        assert list(client.get(url("recusals")).context["page_obj"]) == [wsjk_recusal]
        assert client.post(url("recusal_end", wsjk_recusal.pk), {"reason": "核实无利害关系"}).status_code == 302
