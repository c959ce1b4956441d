"""The enterprise's voice (issue 14, item 4). Every change goes through one of these functions,
which check the permission, write the change and its audit entry in one transaction.

``reply_submit`` is public (no login): the enterprise proves itself with the 检查码 of the visit
whose result was published, and is limited like the feedback of the 检查码 page — per client
address per hour in the cache (``SPOTCHECK_REPLY_PER_IP_PER_HOUR``; a wrong code counts too, so
codes cannot be tried one after another) and per result in all in the database
(``SPOTCHECK_REPLY_PER_RESULT``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.accounts.models import User
from spotcheck.audit.services import audit_record
from spotcheck.core.reasons import clean_reason
from spotcheck.inspections.check_codes import normalise_code
from spotcheck.inspections.models import VisitCode, VisitFeedback
from spotcheck.notices.models import Notice
from spotcheck.notices.services import NoticeDraft, notices_send
from spotcheck.publication.models import PublishedResult
from spotcheck.publication.public_record import public_name
from spotcheck.replies import access
from spotcheck.replies.models import ComplaintAnswer, EnterpriseReply

Status = EnterpriseReply.Status
CONTACT_MAX = EnterpriseReply._meta.get_field("contact_name").max_length
REASON_MAX = EnterpriseReply._meta.get_field("rejection_reason").max_length


class ReplyRateLimited(Exception):
    """Too many submissions: answered with 429 and the message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _ip_key(client_ip: str | None) -> str:
    return f"spotcheck:reply:ip:{client_ip or 'unknown'}:{timezone.now():%Y%m%d%H}"


def _count(client_ip: str | None) -> None:
    key = _ip_key(client_ip)
    cache.add(key, 0, timeout=3600)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)


def _check_ip(client_ip: str | None) -> None:
    per_ip = settings.SPOTCHECK_REPLY_PER_IP_PER_HOUR
    if (cache.get(_ip_key(client_ip)) or 0) >= per_ip:
        raise ReplyRateLimited(
            _("提交过于频繁：同一网络地址每小时最多提交 %(n)s 次企业说明/异议，请稍后再试。") % {"n": per_ip}
        )


def code_matches(published: PublishedResult, raw_code: Any) -> bool:
    """Whether ``raw_code`` is the 检查码 of the visit whose result ``published`` is."""
    code = normalise_code(str(raw_code or "")[:64])
    if code is None:
        return False
    return VisitCode.objects.filter(code=code, visit_id=published.visit_result.visit_id).exists()


def _clean(kind: Any, text: Any, contact_name: Any) -> tuple[str, str, str]:
    errors: dict[str, str] = {}
    if kind not in EnterpriseReply.Kind.values:
        errors["kind"] = _("请选择类型：说明或异议。")
    text = str(text or "").replace("\x00", "").strip()
    limit = settings.SPOTCHECK_REPLY_MAX_CHARS
    if not text:
        errors["text"] = _("请填写内容。")
    elif len(text) > limit:
        errors["text"] = _("内容最多 %(n)s 个字，现有 %(m)s 个字。") % {"n": limit, "m": len(text)}
    contact = str(contact_name or "").replace("\x00", "").strip()
    if len(contact) > CONTACT_MAX:
        errors["contact_name"] = _("联系人最多 %(n)s 个字。") % {"n": CONTACT_MAX}
    if errors:
        raise ValidationError(errors)
    return kind, text, contact


@transaction.atomic
def reply_submit(
    *,
    actor: Any = None,
    published: PublishedResult,
    code: Any,
    kind: Any,
    text: Any,
    contact_name: Any = "",
    client_ip: str | None = None,
) -> EnterpriseReply:
    """Store the enterprise's statement or objection to a published result (``actor`` None:
    anonymous). Refused (``ValidationError``) when the result is no longer shown as published,
    the code is not that of its visit, or the text is empty or too long; ``ReplyRateLimited``
    past a limit."""
    _check_ip(client_ip)
    published = (
        PublishedResult.objects.select_for_update(of=("self",))
        .select_related("visit_result__visit", "notice__task")
        .get(pk=published.pk)
    )
    if published.state != PublishedResult.State.CURRENT:
        raise ValidationError(_("该检查结果已不在公示中，不能再提交说明或异议。"), code="not_current")
    if not code_matches(published, code):
        _count(client_ip)  # a wrong code counts against the address
        raise ValidationError(
            {"code": _("检查码与该检查结果不符：请填写本次检查的检查码（见检查结果告知书或检查人员出示的二维码）。")}
        )
    per_result = settings.SPOTCHECK_REPLY_PER_RESULT
    if EnterpriseReply.objects.filter(visit_result_id=published.visit_result_id).count() >= per_result:
        raise ReplyRateLimited(
            _("该检查结果已收到 %(n)s 份企业说明/异议，达到上限，不再接受新的提交。") % {"n": per_result}
        )
    kind, text, contact = _clean(kind, text, contact_name)
    reply = EnterpriseReply(
        published_result=published,
        visit_result_id=published.visit_result_id,
        department_id=published.notice.department_id,
        kind=kind,
        text=text,
        contact_name=contact,
        submitted_at=timezone.now(),
    )
    reply.full_clean()
    reply.save(force_insert=True)
    notified = _notify_reviewers_of_reply(reply, published)
    audit_record(
        actor=actor,
        action="replies.reply.submit",
        target=reply,
        after={
            "kind": kind,
            "text": text,
            "contact_name": contact,
            "published_result": published.pk,
            "version": published.version,
            "task": published.notice.task.code,
            "notified": notified,
        },
        department_id=reply.department_id,
    )
    _count(client_ip)
    return reply


# ------------------------------------------------------------------ the reviewers' notices (gaps14)
#
# A notice names the thing by what the portal already shows of it (the object's public name, the
# task), never the enterprise's text or contact name, which the reviewer reads on the linked page.
# Its key names the oldest reply (complaint) still waiting on the same result (visit): a second
# submission while the first waits adds no notice (the linked page lists the others); once all
# are decided, the next one is told again.


def _notify_reviewers_of_reply(reply: EnterpriseReply, published: PublishedResult) -> int:
    """Tell the result's reviewers (``access.reviewer_ids``) of a new reply; the number of
    notices sent."""
    first = (
        EnterpriseReply.objects.filter(visit_result_id=reply.visit_result_id, status=Status.PENDING)
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    task = published.notice.task
    name = (published.record.get("object") or {}).get("name") or ""
    drafts = [
        NoticeDraft(
            user_id=user_id,
            kind=Notice.Kind.REPLY_SUBMITTED,
            key=f"reply-submitted:{reply.visit_result_id}:{first}",
            title=_("企业说明/异议待审核：%(name)s") % {"name": name},
            body=_("任务 %(code)s %(title)s 已公示的检查结果收到企业%(kind)s，请审核。")
            % {"code": task.code, "title": task.title, "kind": reply.get_kind_display()},
            link=reverse("replies:detail", args=[first]),
        )
        for user_id in access.reviewer_ids(reply.department_id)
    ]
    return len(notices_send(drafts))


@transaction.atomic
def complaint_notify(*, actor: Any = None, feedback: VisitFeedback) -> int:
    """Tell the reviewers of the visit's lead department (who answer complaints) of a new
    complaint from the 检查码 page, in the submission's transaction (the inspections app's
    ``visit_complained``); audited when anyone was told. The number of notices sent."""
    visit = feedback.visit
    task = visit.task
    first = (
        VisitFeedback.objects.exclude(complaint="")
        .filter(visit_id=visit.pk, answer__isnull=True)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    drafts = [
        NoticeDraft(
            user_id=user_id,
            kind=Notice.Kind.COMPLAINT_RECEIVED,
            key=f"complaint-received:{visit.pk}:{first}",
            title=_("企业投诉待答复：%(name)s") % {"name": public_name(visit.inspection_object)},
            body=_("任务 %(code)s %(title)s 的一次检查收到企业的投诉，请答复。")
            % {"code": task.code, "title": task.title},
            link=reverse("replies:complaints") + f"?state=unanswered#complaint-{first}",
        )
        for user_id in access.reviewer_ids(task.lead_department_id)
    ]
    sent = notices_send(drafts)
    if sent:
        audit_record(
            actor=actor,
            action="replies.complaint.notify",
            target=feedback,
            after={"feedback": feedback.pk, "visit_public_id": visit.public_id, "notified": len(sent)},
            department_id=task.lead_department_id,
        )
    return len(sent)


def _pending_locked(reply: EnterpriseReply) -> EnterpriseReply:
    row = EnterpriseReply.objects.select_for_update().get(pk=reply.pk)
    if row.status != Status.PENDING:
        raise ValidationError(_("该企业说明/异议已审核（%(s)s），不能再次审核。") % {"s": row.get_status_display()})
    return row


@transaction.atomic
def reply_accept(*, actor: User, reply: EnterpriseReply) -> EnterpriseReply:
    """Accept the reply: from now on the portal shows it beside the result (企业说明（已审核）)."""
    access.require_review(actor, reply.department_id)
    row = _pending_locked(reply)
    row.status = Status.ACCEPTED
    row.decided_at = timezone.now()
    row.decided_by = actor
    row.full_clean()
    row.save(update_fields=["status", "decided_at", "decided_by"])
    audit_record(
        actor=actor,
        action="replies.reply.accept",
        target=row,
        before={"status": Status.PENDING},
        after={"status": row.status, "kind": row.kind},
        department_id=row.department_id,
    )
    return row


@transaction.atomic
def reply_reject(*, actor: User, reply: EnterpriseReply, reason: str) -> EnterpriseReply:
    """Reject the reply with a reason, which the enterprise reads on the status page (never on
    the result)."""
    access.require_review(actor, reply.department_id)
    reason = clean_reason(reason, label=_("不予采纳的理由"), max_length=REASON_MAX)
    row = _pending_locked(reply)
    row.status = Status.REJECTED
    row.decided_at = timezone.now()
    row.decided_by = actor
    row.rejection_reason = reason
    row.full_clean()
    row.save(update_fields=["status", "decided_at", "decided_by", "rejection_reason"])
    audit_record(
        actor=actor,
        action="replies.reply.reject",
        target=row,
        before={"status": Status.PENDING},
        after={"status": row.status, "reason": reason},
        department_id=row.department_id,
    )
    return row


@transaction.atomic
def complaint_answer(*, actor: User, feedback: VisitFeedback, text: str) -> ComplaintAnswer:
    """The department's answer to a complaint from the 检查码 page, once; shown to the enterprise
    on that page."""
    feedback = VisitFeedback.objects.select_for_update(of=("self",)).select_related("visit__task").get(pk=feedback.pk)
    access.require_review(actor, feedback.visit.task.lead_department_id)
    if not feedback.complaint:
        raise ValidationError(_("这条评价没有投诉内容，无需答复。"), code="not_a_complaint")
    if ComplaintAnswer.objects.filter(feedback=feedback).exists():
        raise ValidationError(_("该投诉已答复，不能再次答复。"), code="already_answered")
    text = clean_reason(text, field="text", label=_("答复内容"), max_length=settings.SPOTCHECK_REPLY_MAX_CHARS)
    answer = ComplaintAnswer(feedback=feedback, text=text, answered_by=actor, answered_at=timezone.now())
    answer.full_clean()
    answer.save(force_insert=True)
    audit_record(
        actor=actor,
        action="replies.complaint.answer",
        target=answer,
        after={"feedback": feedback.pk, "text": text, "visit_public_id": feedback.visit.public_id},
        department_id=feedback.visit.task.lead_department_id,
    )
    return answer
