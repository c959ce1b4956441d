"""The one way views and the API fetch a protected item or version (see STYLE.md): no read
access gives a 404 that does not reveal the row exists; a read-only role asking to write gets a
403; another department's drafts are 404 even when the item itself is published."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import gettext as _

from spotcheck.accounts.scope import require_staff, require_write
from spotcheck.catalog.models import InspectionItem, ItemVersion
from spotcheck.catalog.selectors import items_for_scope, version_with_content, versions_for_scope

if TYPE_CHECKING:
    from spotcheck.accounts.models import User


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
