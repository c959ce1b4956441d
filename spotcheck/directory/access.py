"""Who may read and change an inspection object, and the one way a view or API endpoint gets
hold of one.

An object belongs to its owner department and to the departments that supervise it: a scope
that reads one of them reads the object, one that writes one of them writes it. No read access
→ 404 (the page does not reveal that the row exists); read access but a write is asked for by
a role that may not write it → 403. The services call ``require_object_*`` first; the pages
call ``can_write_object`` to show or hide the buttons.

A user who is only a witness in a department does not read that department's objects (a witness
is often an outsider: it sees the tasks it witnesses and the portal); a witness-only user gets a
404 on every page of the directory.

Exports are for those who maintain the data (issue 11): the joint office (coordinator, system
admin) exports the whole directory, a department admin the objects of their departments; anyone
else who reads the directory (inspectors, approvers, auditors) gets a 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Membership
from spotcheck.accounts.scope import Scope, require_staff
from spotcheck.core.params import parse_id
from spotcheck.directory.models import InspectionObject
from spotcheck.directory.selectors import object_detail_queryset, objects_for_scope

Role = Membership.Role


def require_directory_reader(user: Any) -> Scope:
    """Any page or endpoint of the directory: staff who read some department's data (not a
    witness-only user: 404, as for users without a role)."""
    scope = require_staff(user)
    if not scope.reads_department_data:
        raise Http404
    return scope


def _reads_any(scope: Scope, department_ids: set[int]) -> bool:
    departments = scope.data_read_departments
    return departments is None or bool(departments & department_ids)


def export_object_departments(scope: Scope) -> frozenset[int] | None:
    """The departments whose objects the user exports (None: the whole directory); a 404 for
    a user who does not read the directory, a 403 for a reader who does not maintain it."""
    if not scope.reads_department_data:
        raise Http404
    if scope.has_role(Role.COORDINATOR, Role.SYSADMIN):
        return None
    departments = scope.departments_with_role(Role.DEPT_ADMIN)
    if not departments:
        raise PermissionDenied(_("只有部门管理员和联席办协调员可以导出检查对象。"))
    return departments


def can_export_objects(scope: Scope) -> bool:
    """Whether the list page offers the export link."""
    return scope.has_role(Role.COORDINATOR, Role.SYSADMIN, Role.DEPT_ADMIN)


def object_department_ids(obj: InspectionObject) -> set[int]:
    """The departments an object belongs to (uses a prefetched supervising_departments)."""
    return {obj.owner_department_id, *(d.pk for d in obj.supervising_departments.all())}


def readable_object_ids(scope: Scope, ids: Iterable[int]) -> set[int]:
    """Which of the objects ``ids`` the scope may open (the others are not linked to): every one
    for a region-wide reader, none for a witness-only user, else one query."""
    ids = set(ids)
    if not ids or not scope.reads_department_data:
        return set()
    if scope.data_read_departments is None:
        return ids
    return set(objects_for_scope(scope).filter(pk__in=ids).values_list("pk", flat=True))


def can_write_object(scope: Scope, obj: InspectionObject) -> bool:
    return scope.can_write_any(object_department_ids(obj))


def can_record_penalty(scope: Scope, department_id: int) -> bool:
    """A 行政处罚 is recorded under the department that decided it, by those who write its rows."""
    return scope.can_write_department(department_id)


def require_object_read(actor: Any, obj: InspectionObject) -> Scope:
    scope = require_staff(actor)
    if not _reads_any(scope, object_department_ids(obj)):
        raise Http404
    return scope


def require_object_write(actor: Any, obj: InspectionObject) -> Scope:
    """404 when the actor cannot even read the object, 403 when they can read but not write."""
    scope = require_staff(actor)
    department_ids = object_department_ids(obj)
    if not _reads_any(scope, department_ids):
        raise Http404
    if not can_write_object(scope, obj):
        raise PermissionDenied(_("您的角色没有修改该检查对象的权限。"))
    return scope


def get_object_for_user(user: Any, pk: Any, write: bool = False) -> InspectionObject:
    scope = require_staff(user)
    try:
        obj = object_detail_queryset(scope).get(pk=int(pk))
    except (InspectionObject.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    if write:
        require_object_write(user, obj)
    return obj


def get_object_by_key_for_user(user: Any, key: str, write: bool = False) -> InspectionObject:
    """``key`` is a public code (USCC or platform code) or, failing that, a numeric id."""
    scope = require_staff(user)
    obj = object_detail_queryset(scope).filter(public_code=str(key).strip().upper()).first()
    if obj is None:
        if parse_id(key) is None:
            raise Http404
        return get_object_for_user(user, parse_id(key), write=write)
    if write:
        require_object_write(user, obj)
    return obj
