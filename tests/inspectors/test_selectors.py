import datetime as dt
import itertools

import pytest

from spotcheck.accounts.scope import scope_for
from spotcheck.inspectors.access import may_see_recusals
from spotcheck.inspectors.models import Inspector, Qualification
from spotcheck.inspectors.selectors import (
    active_recusal_pairs,
    inspectors_for_scope,
    matchable_inspectors,
    recusals_for_scope,
)
from tests.factories import InspectorFactory, QualificationFactory

pytestmark = pytest.mark.django_db

Kind = Inspector.Kind
Availability = Inspector.Availability


def test_reference_qualifications_are_seeded():
    codes = set(Qualification.objects.values_list("code", flat=True))
    assert {"general_enforcement", "food_safety", "special_equipment", "tax_audit", "customs_audit"} <= codes
    assert {"education_inspection", "external_expert"} <= codes
    assert Qualification.objects.get(code="external_expert").name == "外部专家（技术）"
    assert Qualification.objects.get(code="general_enforcement").name == "行政执法资格（综合）"
    assert Qualification.objects.count() >= 23


class TestInspectorsForScope:
    def test_department_roles_see_their_department_only(
        self, scjg_admin, scjg_inspector, wsjk_admin, scjg_officer, wsjk_officer
    ):
        assert list(inspectors_for_scope(scope_for(scjg_admin))) == [scjg_officer]
        assert list(inspectors_for_scope(scope_for(scjg_inspector))) == [scjg_officer]
        assert list(inspectors_for_scope(scope_for(wsjk_admin))) == [wsjk_officer]

    def test_region_wide_roles_see_all(self, coordinator, auditor, scjg_officer, wsjk_officer):
        for user in (coordinator, auditor):
            assert set(inspectors_for_scope(scope_for(user))) == {scjg_officer, wsjk_officer}

    def test_no_role_sees_nothing(self, nobody, scjg_officer):
        assert not inspectors_for_scope(scope_for(nobody)).exists()


def _grid(department, today):
    """One inspector for every combination of the facts that decide matchability."""
    d = dt.timedelta
    availabilities = [
        (Availability.ON_DUTY, None, None),
        (Availability.ON_LEAVE, today - d(5), today + d(5)),
        (Availability.ON_LEAVE, today + d(3), today + d(8)),
        (Availability.ON_LEAVE, today - d(20), today - d(10)),
        (Availability.ON_LEAVE, today - d(2), None),
        (Availability.ON_LEAVE, None, today + d(4)),
        (Availability.TRANSFERRED, today + d(6), None),
        (Availability.TRANSFERRED, today - d(30), None),
        (Availability.TRANSFERRED, None, None),
        # Not something the services write, but the rule must hold for imported rows too.
        (Availability.TRANSFERRED, today - d(30), today - d(10)),
    ]
    certificates = [
        ("32048100000000", today + d(365)),
        ("32048100000000", today + d(4)),
        ("32048100000000", today - d(1)),
        ("32048100000000", today),
        ("", today + d(365)),
        ("32048100000000", None),
        ("", None),
    ]
    kinds = [Kind.CIVIL_SERVANT, Kind.QUALIFIED_STAFF, Kind.EXTERNAL_EXPERT, Kind.THIRD_PARTY]
    rows = []
    for n, (kind, availability, certificate, retired) in enumerate(
        itertools.product(kinds, availabilities, certificates, [False, True])
    ):
        number, expires = certificate
        rows.append(
            Inspector(
                department=department,
                code=f"G{n:04d}",
                name=f"格{n}",
                kind=kind,
                certificate_number=f"{number}{n:04d}" if number else "",
                certificate_expires_on=expires,
                availability=availability[0],
                availability_from=availability[1],
                availability_until=availability[2],
                retired_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC) if retired else None,
            )
        )
    return Inspector.objects.bulk_create(rows)


def test_matchable_queryset_agrees_with_the_model_method(scjg, today):
    _grid(scjg, today)
    everyone = list(Inspector.objects.all())
    assert len(everyone) == 4 * 10 * 7 * 2
    for offset in (-40, -21, -20, -11, -10, -6, -5, -3, -1, 0, 1, 3, 4, 5, 6, 8, 9, 366, 3000):
        day = today + dt.timedelta(days=offset)
        expected = {i.pk for i in everyone if i.is_matchable_on(day)}
        assert set(matchable_inspectors(day).values_list("pk", flat=True)) == expected, day
        assert expected  # the grid keeps someone matchable every day, so the check has teeth
        assert len(expected) < len(everyone)


def test_matchable_excludes_each_reason(scjg, today):
    d = dt.timedelta
    fine = InspectorFactory(department=scjg)
    InspectorFactory(department=scjg, certificate_expires_on=today - d(1))
    InspectorFactory(department=scjg, availability=Availability.ON_LEAVE, availability_from=today)
    InspectorFactory(department=scjg, availability=Availability.TRANSFERRED, availability_from=today - d(1))
    InspectorFactory(department=scjg, retired_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert list(matchable_inspectors(today)) == [fine]


def test_matchable_by_department_and_every_qualification(scjg, wsjk, today):
    food, drugs = QualificationFactory(code="q_food"), QualificationFactory(code="q_drugs")
    both = InspectorFactory(department=scjg)
    both.qualifications.set([food, drugs])
    food_only = InspectorFactory(department=scjg)
    food_only.qualifications.set([food])
    other_department = InspectorFactory(department=wsjk)
    other_department.qualifications.set([food, drugs])

    assert list(matchable_inspectors(today, qualification_codes=["q_food", "q_drugs"])) == [both, other_department]
    assert list(matchable_inspectors(today, department_ids=[scjg.pk], qualification_codes=["q_food"])) == [
        both,
        food_only,
    ]
    assert list(matchable_inspectors(today, department_ids=[], qualification_codes=[])) == []
    assert list(matchable_inspectors(today, qualification_codes=["unknown"])) == []


class TestRecusalsForScope:
    def test_department_roles_see_their_own(
        self, scjg_admin, scjg_inspector, scjg_approver, wsjk_admin, scjg_recusal, wsjk_recusal
    ):
        for user in (scjg_admin, scjg_inspector, scjg_approver):
            assert list(recusals_for_scope(scope_for(user))) == [scjg_recusal]
        assert list(recusals_for_scope(scope_for(wsjk_admin))) == [wsjk_recusal]

    def test_auditor_and_sysadmin_see_all(self, auditor, sysadmin, scjg_recusal, wsjk_recusal):
        for user in (auditor, sysadmin):
            assert set(recusals_for_scope(scope_for(user))) == {scjg_recusal, wsjk_recusal}
            assert may_see_recusals(scope_for(user), scjg_recusal.inspector.department_id)

    def test_coordinator_witness_and_nobody_see_none(self, coordinator, witness, nobody, scjg_recusal):
        for user in (coordinator, witness, nobody):
            assert not recusals_for_scope(scope_for(user)).exists()
            assert not may_see_recusals(scope_for(user))

    def test_a_coordinator_who_is_also_department_admin_sees_that_department(
        self, coordinator, wsjk, wsjk_recusal, scjg_recusal
    ):
        from spotcheck.accounts.scope import forget_scope
        from tests.factories import MembershipFactory

        MembershipFactory(user=coordinator, department=wsjk, role="dept_admin")
        forget_scope(coordinator)
        assert list(recusals_for_scope(scope_for(coordinator))) == [wsjk_recusal]


def test_active_recusal_pairs(scjg_admin, scjg_recusal, wsjk_recusal):
    from spotcheck.inspectors.services import recusal_end

    recusal_end(actor=scjg_admin, recusal=scjg_recusal, reason="解除")
    assert list(active_recusal_pairs()) == [(wsjk_recusal.inspection_object_id, wsjk_recusal.inspector_id)]
