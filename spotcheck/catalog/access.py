"""Who may write an item and who reviews its filing (备案), and the one way views and the API
fetch a protected item or version (see STYLE.md): no read access gives a 404 that does not
reveal the row exists; a read-only role asking to write gets a 403; another department's drafts
are 404 even when the item itself is published.

The predicates are pure functions of a ``Scope``: the services call them first and raise, the
pages and the API call them to show or hide a button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Membership
from spotcheck.accounts.scope import Scope, require_staff, require_write
from spotcheck.catalog.models import InspectionItem, ItemVersion
from spotcheck.catalog.selectors import items_for_scope, version_with_content, versions_for_scope

if TYPE_CHECKING:
    from spotcheck.accounts.models import User


def can_write_items_of(scope: Scope, department_id: int | None) -> bool:
    """A department's items are written by its admin (or the joint office)."""
    return scope.can_read_department(department_id) and scope.can_write_department(department_id)


def can_review_filings(scope: Scope) -> bool:
    """A filed version is accepted or returned by the joint office's coordinator."""
    return scope.has_role(Membership.Role.COORDINATOR)


def can_export_items(scope: Scope) -> bool:
    """The item list is exported by those who maintain it (issue 11): the joint office and the
    department admins; the file is the import's, made to be edited and imported back."""
    return scope.has_role(Membership.Role.COORDINATOR, Membership.Role.SYSADMIN, Membership.Role.DEPT_ADMIN)


def require_item_export(scope: Scope) -> None:
    """``can_export_items`` or a 403 (404 for a user who reads no department's data)."""
    if can_export_items(scope):
        return
    if not scope.reads_department_data:
        raise Http404
    raise PermissionDenied(_("只有部门管理员和联席办协调员可以导出抽查事项。"))


def get_item_for_user(user: User, pk: int, write: bool = False) -> InspectionItem:
    scope = require_staff(user)
    item = items_for_scope(scope).filter(pk=pk).first()
    if item is None:
        raise Http404(_("没有找到该抽查事项。"))
    if write:
        require_write(user, item.department_id)
    return item


def get_version_for_user(user: User, pk: int, write: bool = False) -> ItemVersion:
    scope = require_staff(user)
    version = version_with_content(versions_for_scope(scope)).filter(pk=pk).first()
    if version is None:
        raise Http404(_("没有找到该事项版本。"))
    if write:
        require_write(user, version.item.department_id)
    return version
