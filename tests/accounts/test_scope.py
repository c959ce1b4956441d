"""A role is held in a department: the scope answers per department, not for the union."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from spotcheck.accounts.scope import EMPTY_SCOPE, forget_scope, scope_for
from spotcheck.accounts.selectors import is_member_of
from tests.factories import DepartmentFactory, MembershipFactory, RegionFactory, UserFactory


def test_roles_are_kept_per_department(scjg, wsjk):
    user = UserFactory(username="two_hats")
    MembershipFactory(user=user, department=scjg, role="approver")
    MembershipFactory(user=user, department=wsjk, role="dept_admin")
    MembershipFactory(user=user, department=wsjk, role="witness")
    scope = scope_for(user)
    assert scope.roles_by_department == {
        scjg.pk: frozenset({"approver"}),
        wsjk.pk: frozenset({"dept_admin", "witness"}),
    }
    assert scope.roles == frozenset({"approver", "dept_admin", "witness"})
    # The approver of 市场监管 is not an approver of 卫健, nor the admin of 市场监管.
    assert scope.has_role_in("approver", scjg.pk) and not scope.has_role_in("approver", wsjk.pk)
    assert scope.has_role_in("dept_admin", wsjk.pk) and not scope.has_role_in("dept_admin", scjg.pk)
    assert not scope.has_role_in("approver", None)
    assert scope.has_role("approver") and not scope.has_role("coordinator")
    assert scope.departments_with_role("approver") == {scjg.pk}
    assert scope.departments_with_role("approver", "dept_admin") == {scjg.pk, wsjk.pk}
    assert scope.departments_with_role("auditor") == frozenset()
    # Reads both departments, writes only where a writing role is held.
    assert scope.read_departments == {scjg.pk, wsjk.pk} and scope.write_departments == {wsjk.pk}


def test_first_department_with_role_follows_membership_order(scjg, wsjk):
    user = UserFactory(username="witness_twice")
    MembershipFactory(user=user, department=scjg, role="inspector")
    MembershipFactory(user=user, department=wsjk, role="witness")
    MembershipFactory(user=user, department=scjg, role="witness")
    scope = scope_for(user)
    assert scope.primary_department_id == scjg.pk
    assert scope.first_department_with_role("witness") == wsjk.pk, "the oldest witness membership, not department"
    assert scope.first_department_with_role("approver") is None


def test_inactive_memberships_and_departments_hold_no_role(scjg, wsjk):
    closed = DepartmentFactory(code="CLOSED", is_active=False, region=scjg.region)
    user = UserFactory(username="former_approver")
    MembershipFactory(user=user, department=scjg, role="approver", is_active=False)
    MembershipFactory(user=user, department=closed, role="approver")
    MembershipFactory(user=user, department=wsjk, role="inspector")
    scope = scope_for(user)
    assert scope.roles_by_department == {wsjk.pk: frozenset({"inspector"})}
    assert not scope.has_role_in("approver", scjg.pk) and not scope.has_role_in("approver", closed.pk)


def test_coordinator_region_and_home_region(scjg, county):
    other_county = RegionFactory(code="320482", name="金坛区", level="county", parent=None)
    elsewhere = DepartmentFactory(code="JT-SCJG", region=other_county)
    coordinator = UserFactory(username="coordinator_with_history")
    MembershipFactory(user=coordinator, department=elsewhere, role="inspector")
    MembershipFactory(user=coordinator, department=scjg, role="coordinator")
    scope = scope_for(coordinator)
    assert scope.primary_department_id == elsewhere.pk
    assert scope.coordinator_region_id == county.pk and scope.home_region_id == county.pk

    inspector = UserFactory(username="inspector_elsewhere")
    MembershipFactory(user=inspector, department=elsewhere, role="inspector")
    MembershipFactory(user=inspector, department=scjg, role="inspector")
    scope = scope_for(inspector)
    assert scope.coordinator_region_id is None and scope.home_region_id == other_county.pk
    assert EMPTY_SCOPE.home_region_id is None


def test_computed_in_one_query_and_cached(scjg, wsjk):
    user = UserFactory(username="cached")
    MembershipFactory(user=user, department=scjg, role="approver")
    MembershipFactory(user=user, department=wsjk, role="inspector")
    with CaptureQueriesContext(connection) as queries:
        first = scope_for(user)
        assert scope_for(user) is first
    assert len(queries) == 1
    MembershipFactory(user=user, department=wsjk, role="approver")
    assert not scope_for(user).has_role_in("approver", wsjk.pk), "cached until forgotten"
    forget_scope(user)
    assert scope_for(user).has_role_in("approver", wsjk.pk)


def test_nobody_and_anonymous_hold_nothing(nobody):
    for scope in (scope_for(nobody), scope_for(None)):
        assert scope.roles_by_department == {} and scope.roles == frozenset()
        assert not scope.has_role_in("coordinator", 1) and scope.departments_with_role("coordinator") == frozenset()


def test_is_member_of_asks_about_another_user(scjg, wsjk):
    user = UserFactory(username="someone_else")
    MembershipFactory(user=user, department=scjg, role="inspector")
    MembershipFactory(user=user, department=wsjk, role="inspector", is_active=False)
    assert is_member_of(user.pk, scjg.pk)
    assert not is_member_of(user.pk, wsjk.pk)
