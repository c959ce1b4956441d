"""``{% visit_evidence visit user %}``: the visit page's 证据材料 section — the evidence of the
visit and of the visits merged with it, by checklist item (withdrawn pieces struck through with
their reason), and the upload form for the team. inspections does not import evidence, so its
page loads this tag."""

from django import template
from django.conf import settings

from spotcheck.accounts.scope import scope_for
from spotcheck.draws.models import Task, Visit
from spotcheck.evidence import access, selectors, thumbnails
from spotcheck.evidence.checks import megabytes
from spotcheck.inspections.selectors import approval_state

register = template.Library()


@register.inclusion_tag("evidence/_visit_evidence.html", takes_context=True)
def visit_evidence(context, visit: Visit, user) -> dict:
    # The visit page has its checklist already (``page``); another page has it read here.
    page = context.get("page")
    checklist = getattr(page, "checklist", None)
    if checklist is None:
        checklist = selectors.checklist_of(visit)
    groups = selectors.evidence_by_item(visit, checklist)
    scope = scope_for(user)
    for group in groups:
        for evidence in group.evidence:
            evidence.may_withdraw = not evidence.is_withdrawn and access.can_withdraw(scope, user, evidence)
            evidence.has_preview = thumbnails.can_preview(evidence)
    may_upload = access.can_upload(user, visit)
    return {
        "visit": visit,
        "groups": [g for g in groups if g.evidence],
        "count": sum(len(g.evidence) for g in groups),
        "versions": selectors.checklist_versions(checklist),
        "may_upload": may_upload,
        "open": may_upload and visit.task.status == Task.Status.DRAWN and approval_state(visit).may_proceed,
        "max_mb": megabytes(settings.SPOTCHECK_EVIDENCE_MAX_BYTES),
        "max_side": settings.SPOTCHECK_EVIDENCE_PHOTO_MAX_SIDE,
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
