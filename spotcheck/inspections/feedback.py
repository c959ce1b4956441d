"""企业评价/投诉: ``visit_feedback_submit``, the enterprise's rating (满意度 1–5) and/or
complaint on the public 检查码 page — no login, so it is limited: per client address per hour
(counted in the cache, ``SPOTCHECK_FEEDBACK_PER_IP_PER_HOUR``) and per visit in all (counted in
the database, so no cache flush lifts it: ``SPOTCHECK_FEEDBACK_PER_VISIT``). Audited with no
actor (anonymous) and the client's address (the audit context's).

Feedback opens once the team has checked in (到场登记): the rating is then of a visit that took
place, and a code seen before the visit (or passed around) cannot be used to rate a visit that
never happened."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.audit.services import audit_record, snapshot
from spotcheck.draws.models import Visit
from spotcheck.inspections.models import VisitCheckIn, VisitFeedback
from spotcheck.inspections.signals import visit_complained


class FeedbackRateLimited(Exception):
    """Too many submissions: answered with 429 and the message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def feedback_open(visit: Visit | int) -> bool:
    """Whether the enterprise may rate or complain: the team has checked in."""
    return VisitCheckIn.objects.filter(visit=visit).exists()


def _ip_key(client_ip: str | None) -> str:
    hour = timezone.now().strftime("%Y%m%d%H")
    return f"spotcheck:feedback:ip:{client_ip or 'unknown'}:{hour}"


def check_rate(visit: Visit, client_ip: str | None) -> None:
    """Refuse before anything is read from the form when a limit is reached."""
    per_ip = settings.SPOTCHECK_FEEDBACK_PER_IP_PER_HOUR
    if (cache.get(_ip_key(client_ip)) or 0) >= per_ip:
        raise FeedbackRateLimited(
            _("提交过于频繁：同一网络地址每小时最多提交 %(n)s 次评价/投诉，请稍后再试。") % {"n": per_ip}
        )
    per_visit = settings.SPOTCHECK_FEEDBACK_PER_VISIT
    if VisitFeedback.objects.filter(visit=visit).count() >= per_visit:
        message = _("本次检查已收到 %(n)s 条评价/投诉，达到上限，不再接受新的提交。")
        raise FeedbackRateLimited(message % {"n": per_visit})


def _count(client_ip: str | None) -> None:
    key = _ip_key(client_ip)
    cache.add(key, 0, timeout=3600)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)


def _clean(rating: Any, complaint: Any) -> tuple[int | None, str]:
    errors: dict[str, str] = {}
    value: int | None = None
    if rating not in (None, ""):
        try:
            value = int(str(rating).strip())
        except ValueError:
            value = 0
        if not 1 <= value <= 5:
            errors["rating"] = _("满意度须为 1 到 5 之间的整数。")
    text = str(complaint or "").replace("\x00", "").strip()
    limit = settings.SPOTCHECK_FEEDBACK_MAX_CHARS
    if len(text) > limit:
        errors["complaint"] = _("投诉内容最多 %(n)s 个字，现有 %(m)s 个字。") % {"n": limit, "m": len(text)}
    if not errors and value is None and not text:
        errors["rating"] = _("请选择满意度或填写投诉内容。")
    if errors:
        raise ValidationError(errors)
    return value, text


@transaction.atomic
def visit_feedback_submit(
    *, actor: Any = None, visit: Visit, rating: Any = None, complaint: Any = "", client_ip: str | None = None
) -> VisitFeedback:
    """Store the enterprise's rating and/or complaint of ``visit`` (``actor`` None: anonymous).
    Refused (``ValidationError``) before the team checked in, or with a bad rating or too long a
    complaint; ``FeedbackRateLimited`` past a limit."""
    visit = Visit.objects.select_for_update(of=("self",)).select_related("task").get(pk=visit.pk)
    if not feedback_open(visit):
        raise ValidationError(_("检查组登记到场后，才能对本次检查进行评价或投诉。"), code="not_visited")
    check_rate(visit, client_ip)
    value, text = _clean(rating, complaint)
    feedback = VisitFeedback(visit=visit, rating=value, complaint=text, created_at=timezone.now())
    feedback.full_clean()
    feedback.save(force_insert=True)
    audit_record(
        actor=actor,
        action="inspections.visit.feedback",
        target=feedback,
        after=snapshot(feedback) | {"task": visit.task.code, "visit_public_id": visit.public_id},
        department_id=visit.task.lead_department_id,
    )
    if text:
        # The replies app tells the reviewers who answer complaints (gaps14).
        visit_complained.send(sender=VisitFeedback, actor=actor, feedback=feedback)
    _count(client_ip)
    return feedback
