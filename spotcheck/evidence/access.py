"""Who uploads, reads and withdraws 证据材料, and the one way views fetch evidence and the visit
an upload is for.

- Read: whoever reads the visit (``inspections.access.get_visit_for_user``: its team and those
  who read the task's visits), or a visit carried out together with it in a merged visit (one
  door, one checklist: the partner department reads the photos of its items).
- Upload: a member of the team of the visit, or of a visit merged with it.
- Withdraw: the uploader, or an admin of the task's lead department; with a reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spotcheck.accounts.models import Membership
from spotcheck.accounts.scope import Scope, require_staff, scope_for
from spotcheck.draws.models import Visit, VisitMember
from spotcheck.evidence.models import Evidence
from spotcheck.inspections.access import get_visit_for_user, is_team_member, reads_task_visits
from spotcheck.inspections.models import MergedVisitMember

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

UPLOAD_RULE = gettext_lazy("只有本次检查（或与其合并检查）的检查组成员可以上传证据材料。")
WITHDRAW_RULE = gettext_lazy("只有上传人或发起部门的部门管理员可以撤回证据材料。")


def visits_together(visit: Visit | int) -> list[int]:
    """The ids of ``visit`` and of the visits carried out with it in its active merged visit."""
    pk = visit if isinstance(visit, int) else visit.pk
    merged = MergedVisitMember.objects.filter(visit_id=pk, is_active=True).values("merged_visit_id")
    partners = MergedVisitMember.objects.filter(merged_visit_id__in=merged, is_active=True).exclude(visit_id=pk)
    return [pk, *partners.order_by("visit_id").values_list("visit_id", flat=True)]


def can_upload(user: User, visit: Visit) -> bool:
    return VisitMember.objects.filter(visit_id__in=visits_together(visit), inspector__user_id=user.pk).exists()


def can_withdraw(scope: Scope, user: User, evidence: Evidence) -> bool:
    if evidence.uploaded_by_id == user.pk:
        return True
    return scope.has_role_in(Membership.Role.DEPT_ADMIN, evidence.visit.task.lead_department_id)


def _reads_visit(scope: Scope, user: User, visit: Visit) -> bool:
    return is_team_member(user, visit) or reads_task_visits(scope, visit.task)


def reads_evidence_of(scope: Scope, user: User, visit: Visit) -> bool:
    """Whether the user reads the evidence of ``visit`` (its own readers first, then those of
    the visits merged with it)."""
    if _reads_visit(scope, user, visit):
        return True
    partners = Visit.objects.filter(pk__in=visits_together(visit)[1:]).select_related("task")
    return any(_reads_visit(scope, user, partner) for partner in partners)


def get_evidence_for_user(user: User, pk: int, write: bool = False) -> Evidence:
    """One piece of evidence: a 404 revealing nothing to whoever does not read its visit; a
    reader asking to withdraw who may not gets a 403."""
    scope = require_staff(user)
    evidence = (
        Evidence.objects.select_related("visit__task", "item_version__item", "uploaded_by", "withdrawn_by")
        .filter(pk=pk)
        .first()
    )
    if evidence is None or not reads_evidence_of(scope, user, evidence.visit):
        raise Http404(_("没有找到该证据材料。"))
    if write and not can_withdraw(scope, user, evidence):
        raise PermissionDenied(WITHDRAW_RULE)
    return evidence


def get_visit_for_upload(user: User, pk: int) -> Visit:
    """The visit an upload is for: a 404 for whoever does not read it, a 403 for a reader who
    is on none of its teams (an auditor, an admin, an approver)."""
    visit = get_visit_for_user(user, pk)
    if not can_upload(user, visit):
        raise PermissionDenied(UPLOAD_RULE)
    return visit


def may_withdraw(user: User, evidence: Evidence) -> bool:
    return can_withdraw(scope_for(user), user, evidence)
