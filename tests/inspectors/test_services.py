import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from spotcheck.audit.models import AuditEntry
from spotcheck.inspectors import services
from spotcheck.inspectors.models import Inspector, Qualification, Recusal
from tests.factories import InspectionObjectFactory, InspectorFactory

pytestmark = pytest.mark.django_db

Kind = Inspector.Kind
Availability = Inspector.Availability


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("seq"))


def create(actor, department, **kwargs):
    defaults = {
        "name": "王执法",
        "kind": Kind.CIVIL_SERVANT,
        "certificate_number": "32048120249999",
        "certificate_expires_on": timezone.localdate() + dt.timedelta(days=300),
    }
    return services.inspector_create(actor=actor, department=department, **{**defaults, **kwargs})


class TestCreate:
    def test_civil_servant_code_defaults_to_certificate_number_and_is_audited(
        self, scjg_admin, scjg, towns, food_safety
    ):
        inspector = create(scjg_admin, scjg, qualifications=[food_safety], jurisdictions=towns[:2], can_lead=True)

        assert inspector.code == "32048120249999"
        assert inspector.department == scjg
        assert set(inspector.qualifications.all()) == {food_safety}
        [entry] = entries("inspectors.inspector.create")
        assert entry.target_id == str(inspector.pk)
        assert entry.actor == scjg_admin
        assert entry.department_id == scjg.pk
        assert entry.after["code"] == "32048120249999"
        assert entry.after["qualifications"] == [food_safety.pk]
        assert entry.after["jurisdictions"] == sorted(t.pk for t in towns[:2])

    def test_explicit_code_is_kept(self, scjg_admin, scjg):
        assert create(scjg_admin, scjg, code="LY-SCJG-007").code == "LY-SCJG-007"

    @pytest.mark.parametrize("kind", [Kind.CIVIL_SERVANT, Kind.QUALIFIED_STAFF])
    def test_certificate_holders_need_number_and_expiry(self, scjg_admin, scjg, kind):
        with pytest.raises(ValidationError) as exc:
            create(scjg_admin, scjg, kind=kind, certificate_number="", certificate_expires_on=None, code="X-1")
        errors = exc.value.message_dict
        assert "须填写执法证号" in errors["certificate_number"][0]
        assert "须填写执法证有效期" in errors["certificate_expires_on"][0]
        assert not Inspector.objects.exists()
        assert not AuditEntry.objects.exists()

    def test_expert_needs_no_certificate_and_gets_a_platform_code(self, scjg_admin, scjg):
        first = create(scjg_admin, scjg, kind=Kind.EXTERNAL_EXPERT, certificate_number="", certificate_expires_on=None)
        second = create(
            scjg_admin,
            scjg,
            kind=Kind.EXTERNAL_EXPERT,
            certificate_number="",
            certificate_expires_on=None,
            name="钱专家",
        )
        third_party = create(
            scjg_admin, scjg, kind=Kind.THIRD_PARTY, certificate_number="", certificate_expires_on=None, name="检测所"
        )
        assert (first.code, second.code, third_party.code) == ("SCJG-ZJ0001", "SCJG-ZJ0002", "SCJG-JG0001")
        assert first.is_matchable_on(timezone.localdate())

    def test_platform_codes_are_never_handed_out_twice(self, scjg_admin, scjg):
        no_certificate = {"kind": Kind.EXTERNAL_EXPERT, "certificate_number": "", "certificate_expires_on": None}
        first = create(scjg_admin, scjg, **no_certificate)
        services.inspector_update(actor=scjg_admin, inspector=first, changes={"code": "EXPERT-ZHOU"})
        create(scjg_admin, scjg, code="SCJG-ZJ0002", name="手工编码", **no_certificate)
        assert create(scjg_admin, scjg, name="第三位", **no_certificate).code == "SCJG-ZJ0003"

    @pytest.mark.parametrize(
        ("code", "message"),
        [
            (" A001", "首尾不能有空白字符"),
            ("A001\t", "首尾不能有空白字符"),
            ("A\x01B", "控制字符"),
            ("Cafe\u0301", "NFC"),
        ],
    )
    def test_code_must_be_canonical(self, scjg_admin, scjg, code, message):
        with pytest.raises(ValidationError) as exc:
            create(scjg_admin, scjg, code=code)
        assert message in " ".join(exc.value.message_dict["code"])
        assert not Inspector.objects.exists()

    def test_code_must_be_unique(self, scjg_admin, scjg, wsjk_officer):
        with pytest.raises(ValidationError) as exc:
            create(scjg_admin, scjg, code=wsjk_officer.code, certificate_number="32048120240000")
        assert exc.value.message_dict["code"] == [f"人员编码“{wsjk_officer.code}”已被使用。"]

    def test_certificate_number_must_be_unique(self, scjg_admin, scjg, wsjk_officer):
        with pytest.raises(ValidationError) as exc:
            create(scjg_admin, scjg, code="OTHER-1", certificate_number=wsjk_officer.certificate_number)
        assert "已登记在其他人员名下" in exc.value.message_dict["certificate_number"][0]

    def test_jurisdictions_must_be_towns(self, scjg_admin, scjg, county, towns):
        with pytest.raises(ValidationError) as exc:
            create(scjg_admin, scjg, jurisdictions=[towns[0], county])
        assert exc.value.message_dict["jurisdictions"] == ["管辖片区只能选择乡镇（街道）：溧阳市 不是。"]

    def test_withdrawn_qualification_cannot_be_given(self, scjg_admin, scjg):
        old = Qualification.objects.create(code="withdrawn_test", name="旧资格", is_active=False)
        with pytest.raises(ValidationError) as exc:
            create(scjg_admin, scjg, qualifications=[old])
        assert "旧资格" in exc.value.message_dict["qualifications"][0]

    def test_linked_user_must_belong_to_the_department(self, scjg_admin, scjg, scjg_inspector, wsjk_admin):
        assert create(scjg_admin, scjg, user=scjg_inspector).user == scjg_inspector
        with pytest.raises(ValidationError) as exc:
            create(scjg_admin, scjg, user=wsjk_admin, certificate_number="32048120240001")
        assert exc.value.message_dict["user"] == ["登录账号须为本部门在册人员的账号。"]

    def test_other_department_gets_404_and_read_only_403(self, wsjk_admin, scjg_inspector, auditor, scjg):
        with pytest.raises(Http404):
            create(wsjk_admin, scjg)
        with pytest.raises(PermissionDenied):
            create(scjg_inspector, scjg)
        with pytest.raises(PermissionDenied):
            create(auditor, scjg)
        assert not Inspector.objects.exists()

    def test_coordinator_writes_any_department(self, coordinator, wsjk):
        assert create(coordinator, wsjk).department == wsjk


class TestUpdate:
    def test_records_only_what_changed(self, scjg_admin, scjg_officer, towns):
        services.inspector_update(
            actor=scjg_admin,
            inspector=scjg_officer,
            changes={"phone": "0519-87000000", "name": "张执法", "jurisdictions": towns},
        )
        scjg_officer.refresh_from_db()
        assert scjg_officer.phone == "0519-87000000"
        [entry] = entries("inspectors.inspector.update")
        assert set(entry.after) == {"phone", "jurisdictions"}
        assert entry.before == {"phone": "", "jurisdictions": [towns[0].pk]}
        assert entry.after["jurisdictions"] == sorted(t.pk for t in towns)

    def test_nothing_changed_writes_no_entry(self, scjg_admin, scjg_officer):
        services.inspector_update(actor=scjg_admin, inspector=scjg_officer, changes={"name": scjg_officer.name})
        assert entries("inspectors.inspector.update") == []

    def test_public_code_stays_when_certificate_is_renewed(self, scjg_admin, scjg_officer, today):
        services.inspector_update(
            actor=scjg_admin,
            inspector=scjg_officer,
            changes={"certificate_number": "32048120260001", "certificate_expires_on": today + dt.timedelta(days=1800)},
        )
        scjg_officer.refresh_from_db()
        assert scjg_officer.code == "32048120230001"
        assert scjg_officer.certificate_number == "32048120260001"

    def test_removing_the_expiry_of_a_holder_is_refused(self, scjg_admin, scjg_officer):
        with pytest.raises(ValidationError) as exc:
            services.inspector_update(
                actor=scjg_admin, inspector=scjg_officer, changes={"certificate_expires_on": None}
            )
        assert "certificate_expires_on" in exc.value.message_dict
        scjg_officer.refresh_from_db()
        assert scjg_officer.certificate_expires_on is not None

    def test_code_change_is_checked(self, scjg_admin, scjg_officer, wsjk_officer):
        with pytest.raises(ValidationError) as exc:
            services.inspector_update(actor=scjg_admin, inspector=scjg_officer, changes={"code": wsjk_officer.code})
        assert "已被使用" in exc.value.message_dict["code"][0]

    def test_permissions(self, wsjk_admin, scjg_inspector, scjg_officer):
        with pytest.raises(Http404):
            services.inspector_update(actor=wsjk_admin, inspector=scjg_officer, changes={"phone": "1"})
        with pytest.raises(PermissionDenied):
            services.inspector_update(actor=scjg_inspector, inspector=scjg_officer, changes={"phone": "1"})

    def test_moving_to_another_department_needs_write_access_there(self, scjg_admin, coordinator, scjg_officer, wsjk):
        with pytest.raises(Http404):
            services.inspector_update(actor=scjg_admin, inspector=scjg_officer, changes={"department": wsjk})
        services.inspector_update(actor=coordinator, inspector=scjg_officer, changes={"department": wsjk})
        scjg_officer.refresh_from_db()
        assert scjg_officer.department == wsjk
        [entry] = entries("inspectors.inspector.update")
        assert entry.after == {"department_id": wsjk.pk}

    def test_unknown_fields_are_a_programming_error(self, scjg_admin, scjg_officer):
        with pytest.raises(ValueError, match="retired_at"):
            services.inspector_update(actor=scjg_admin, inspector=scjg_officer, changes={"retired_at": None})


class TestRetireRestore:
    def test_retire_and_restore(self, scjg_admin, scjg_officer, today):
        services.inspector_retire(actor=scjg_admin, inspector=scjg_officer, reason="退休")
        scjg_officer.refresh_from_db()
        assert scjg_officer.retired_at is not None
        assert scjg_officer.retired_reason == "退休"
        assert not scjg_officer.is_matchable_on(today)
        [entry] = entries("inspectors.inspector.retire")
        assert entry.before == {"retired_at": None, "retired_reason": ""}
        assert entry.after["retired_reason"] == "退休"

        with pytest.raises(ValidationError, match="已于"):
            services.inspector_retire(actor=scjg_admin, inspector=scjg_officer, reason="again")

        services.inspector_restore(actor=scjg_admin, inspector=scjg_officer, reason="返聘")
        scjg_officer.refresh_from_db()
        assert scjg_officer.retired_at is None
        assert scjg_officer.is_matchable_on(today)
        [entry] = entries("inspectors.inspector.restore")
        assert entry.after == {"retired_at": None, "retired_reason": "", "reason": "返聘"}
        with pytest.raises(ValidationError, match="未停用"):
            services.inspector_restore(actor=scjg_admin, inspector=scjg_officer)

    def test_retire_needs_a_reason(self, scjg_admin, scjg_officer):
        with pytest.raises(ValidationError) as exc:
            services.inspector_retire(actor=scjg_admin, inspector=scjg_officer, reason="  ")
        assert exc.value.message_dict == {"reason": ["请填写停用原因。"]}
        assert entries("inspectors.inspector.retire") == []

    def test_permissions(self, wsjk_admin, scjg_approver, scjg_officer):
        with pytest.raises(Http404):
            services.inspector_retire(actor=wsjk_admin, inspector=scjg_officer, reason="x")
        with pytest.raises(PermissionDenied):
            services.inspector_retire(actor=scjg_approver, inspector=scjg_officer, reason="x")


class TestAvailability:
    def test_leave_makes_unmatchable_only_within_its_dates(self, scjg_admin, scjg_officer, today):
        start, end = today + dt.timedelta(days=10), today + dt.timedelta(days=20)
        services.inspector_set_availability(
            actor=scjg_admin,
            inspector=scjg_officer,
            availability=Availability.ON_LEAVE,
            available_from=start,
            available_until=end,
            reason="年休假",
        )
        scjg_officer.refresh_from_db()
        assert scjg_officer.is_matchable_on(start - dt.timedelta(days=1))
        assert not scjg_officer.is_matchable_on(start)
        assert not scjg_officer.is_matchable_on(end)
        assert scjg_officer.is_matchable_on(end + dt.timedelta(days=1))
        assert scjg_officer.unmatchable_reasons(start) == [f"休假（{start} 至 {end}）"]
        [entry] = entries("inspectors.inspector.availability")
        assert entry.before["availability"] == "on_duty"
        assert entry.after == {
            "availability": "on_leave",
            "availability_from": start.isoformat(),
            "availability_until": end.isoformat(),
            "availability_reason": "年休假",
        }

    def test_open_ended_leave(self, scjg_admin, scjg_officer, today):
        services.inspector_set_availability(
            actor=scjg_admin,
            inspector=scjg_officer,
            availability=Availability.ON_LEAVE,
            available_from=today,
            reason="病假",
        )
        scjg_officer.refresh_from_db()
        assert not scjg_officer.is_matchable_on(today + dt.timedelta(days=3000))

    def test_transfer_ends_matching_for_good(self, scjg_admin, scjg_officer, today):
        day = today + dt.timedelta(days=5)
        services.inspector_set_availability(
            actor=scjg_admin,
            inspector=scjg_officer,
            availability=Availability.TRANSFERRED,
            available_from=day,
            reason="调往区政府办",
        )
        scjg_officer.refresh_from_db()
        assert scjg_officer.is_matchable_on(day - dt.timedelta(days=1))
        for later in (day, day + dt.timedelta(days=1), day + dt.timedelta(days=3650)):
            assert not scjg_officer.is_matchable_on(later)

    def test_transfer_refuses_an_end_date(self, scjg_admin, scjg_officer, today):
        with pytest.raises(ValidationError) as exc:
            services.inspector_set_availability(
                actor=scjg_admin,
                inspector=scjg_officer,
                availability=Availability.TRANSFERRED,
                available_from=today,
                available_until=today + dt.timedelta(days=30),
                reason="借调",
            )
        assert "调离不设截止日期" in exc.value.message_dict["available_until"][0]

    @pytest.mark.parametrize(
        ("availability", "start", "end", "field", "message"),
        [
            (Availability.ON_LEAVE, None, None, "available_from", "休假须填写起始日期。"),
            (Availability.ON_LEAVE, 5, 1, "available_until", "休假截止日期不能早于起始日期。"),
            (Availability.TRANSFERRED, None, None, "available_from", "调离须填写调离日期。"),
            ("sabbatical", None, None, "availability", "在岗状态“sabbatical”无效。"),
        ],
    )
    def test_bad_dates(self, scjg_admin, scjg_officer, today, availability, start, end, field, message):
        with pytest.raises(ValidationError) as exc:
            services.inspector_set_availability(
                actor=scjg_admin,
                inspector=scjg_officer,
                availability=availability,
                available_from=today + dt.timedelta(days=start) if start is not None else None,
                available_until=today + dt.timedelta(days=end) if end is not None else None,
                reason="测试",
            )
        assert exc.value.message_dict[field] == [message]
        assert entries("inspectors.inspector.availability") == []

    def test_back_on_duty_clears_the_dates(self, scjg_admin, scjg_officer, today):
        for availability, start in ((Availability.TRANSFERRED, today), (Availability.ON_DUTY, today)):
            services.inspector_set_availability(
                actor=scjg_admin, inspector=scjg_officer, availability=availability, available_from=start, reason="x"
            )
        scjg_officer.refresh_from_db()
        assert (scjg_officer.availability_from, scjg_officer.availability_until) == (None, None)
        assert scjg_officer.is_matchable_on(today)

    def test_reason_and_permissions(self, scjg_admin, scjg_inspector, wsjk_admin, scjg_officer):
        kwargs = {"inspector": scjg_officer, "availability": Availability.ON_DUTY}
        with pytest.raises(ValidationError, match="请填写状态变更原因"):
            services.inspector_set_availability(actor=scjg_admin, reason="", **kwargs)
        with pytest.raises(PermissionDenied):
            services.inspector_set_availability(actor=scjg_inspector, reason="x", **kwargs)
        with pytest.raises(Http404):
            services.inspector_set_availability(actor=wsjk_admin, reason="x", **kwargs)


class TestCertificateValidity:
    def test_expired_certificate_is_not_matchable(self, scjg, today):
        inspector = InspectorFactory(department=scjg, certificate_expires_on=today - dt.timedelta(days=1))
        assert not inspector.is_matchable_on(today)
        assert inspector.is_matchable_on(today - dt.timedelta(days=1))
        assert inspector.unmatchable_reasons(today) == [f"执法证已于 {today - dt.timedelta(days=1)} 过期"]

    def test_experts_do_not_need_one(self, scjg, today):
        expert = InspectorFactory(
            department=scjg, kind=Kind.EXTERNAL_EXPERT, certificate_number="", code="E-1", certificate_expires_on=None
        )
        assert expert.is_matchable_on(today)


class TestRecusals:
    def test_create_refuses_a_duplicate_active_pair(self, scjg_admin, scjg_officer, shop):
        recusal = services.recusal_create(
            actor=scjg_admin, inspector=scjg_officer, inspection_object=shop, reason="配偶任股东"
        )
        assert recusal.created_by == scjg_admin
        [entry] = entries("inspectors.recusal.create")
        assert entry.after["reason"] == "配偶任股东"
        assert entry.department_id == scjg_officer.department_id

        with pytest.raises(ValidationError) as exc:
            services.recusal_create(actor=scjg_admin, inspector=scjg_officer, inspection_object=shop, reason="再次")
        assert exc.value.messages == [f"张执法 与“{shop.name}”已有有效的回避关系，不能重复登记。"]
        assert Recusal.objects.count() == 1

    def test_a_pair_can_be_registered_again_after_it_ended(self, scjg_admin, scjg_recusal):
        services.recusal_end(actor=scjg_admin, recusal=scjg_recusal, reason="亲属已离职")
        again = services.recusal_create(
            actor=scjg_admin,
            inspector=scjg_recusal.inspector,
            inspection_object=scjg_recusal.inspection_object,
            reason="亲属重新入职",
        )
        assert again.pk != scjg_recusal.pk
        assert Recusal.objects.filter(ended_at__isnull=True).get() == again

    def test_end(self, scjg_admin, scjg_recusal):
        services.recusal_end(actor=scjg_admin, recusal=scjg_recusal, reason="亲属已离职")
        scjg_recusal.refresh_from_db()
        assert not scjg_recusal.is_active
        assert (scjg_recusal.ended_reason, scjg_recusal.ended_by) == ("亲属已离职", scjg_admin)
        [entry] = entries("inspectors.recusal.end")
        assert entry.before == {"ended_at": None, "ended_by_id": None, "ended_reason": ""}
        assert entry.after["ended_reason"] == "亲属已离职"
        with pytest.raises(ValidationError, match="已解除"):
            services.recusal_end(actor=scjg_admin, recusal=scjg_recusal, reason="again")

    def test_reasons_are_required(self, scjg_admin, scjg_officer, shop, scjg_recusal):
        other = InspectionObjectFactory(region=shop.region, owner_department=shop.owner_department)
        with pytest.raises(ValidationError, match="请填写回避原因"):
            services.recusal_create(actor=scjg_admin, inspector=scjg_officer, inspection_object=other, reason="")
        with pytest.raises(ValidationError, match="请填写解除原因"):
            services.recusal_end(actor=scjg_admin, recusal=scjg_recusal, reason="")

    def test_who_may_register(self, coordinator, wsjk_admin, scjg_inspector, sysadmin, scjg_officer, shop):
        kwargs = {"inspector": scjg_officer, "inspection_object": shop, "reason": "x"}
        # The coordinator writes every department but does not see recusals: refused as unknown.
        with pytest.raises(Http404):
            services.recusal_create(actor=coordinator, **kwargs)
        with pytest.raises(Http404):
            services.recusal_create(actor=wsjk_admin, **kwargs)
        with pytest.raises(PermissionDenied):
            services.recusal_create(actor=scjg_inspector, **kwargs)
        assert services.recusal_create(actor=sysadmin, **kwargs).pk

    def test_who_may_end(self, coordinator, wsjk_admin, scjg_approver, auditor, scjg_recusal):
        for actor, error in ((coordinator, Http404), (wsjk_admin, Http404), (scjg_approver, PermissionDenied)):
            with pytest.raises(error):
                services.recusal_end(actor=actor, recusal=scjg_recusal, reason="x")
        with pytest.raises(PermissionDenied):
            services.recusal_end(actor=auditor, recusal=scjg_recusal, reason="x")
        scjg_recusal.refresh_from_db()
        assert scjg_recusal.is_active

    def test_view_record(self, auditor, scjg_recusal, wsjk_recusal):
        services.recusal_view_record(actor=auditor, recusals=[wsjk_recusal, scjg_recusal], query="status=all")
        [entry] = entries("inspectors.recusal.view")
        assert entry.actor == auditor
        assert entry.after == {
            "inspector_id": None,
            "recusal_ids": sorted([scjg_recusal.pk, wsjk_recusal.pk]),
            "query": "status=all",
        }
