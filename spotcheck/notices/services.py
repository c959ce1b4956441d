"""Writing notices: sending them (once per user and key), marking them read, e-mailing them."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.audit.services import audit_record
from spotcheck.notices.models import Notice

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NoticeDraft:
    """A notice to send: ``key`` names the thing and the day, so sending it again is a no-op."""

    user_id: int
    kind: str
    key: str
    title: str
    body: str = ""
    link: str = ""


@transaction.atomic
def notices_send(drafts: Iterable[NoticeDraft]) -> list[Notice]:
    """Create the notices not sent before (per user and key) and return them; e-mail them after
    the commit where ``SPOTCHECK_NOTICE_EMAIL`` is on. Called by the services that decide who is
    told what (they write the audit entry of their run); never by a view with user input."""
    wanted = {(d.user_id, d.key): d for d in drafts}
    if not wanted:
        return []
    users = {user_id for user_id, _key in wanted}
    keys = {key for _user, key in wanted}
    sent = set(Notice.objects.filter(user_id__in=users, key__in=keys).values_list("user_id", "key"))
    now = timezone.now()
    new = [
        Notice(
            user_id=d.user_id,
            kind=d.kind,
            key=d.key,
            title=d.title[:200],
            body=d.body,
            link=d.link[:500],
            created_at=now,
        )
        for pair, d in wanted.items()
        if pair not in sent
    ]
    # A second run at the same moment meets the unique constraint and skips, never fails.
    Notice.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    created = list(
        Notice.objects.filter(user_id__in={n.user_id for n in new}, key__in={n.key for n in new}, created_at=now)
    )
    if created and settings.SPOTCHECK_NOTICE_EMAIL:
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: notices_email(ids))
    return created


def notices_email(notice_ids: list[int]) -> int:
    """E-mail each notice once to its recipient's address (none: skipped). A notice is claimed
    by a conditional update before its mail goes, so two workers never both send it. Returns
    the number sent."""
    sent = 0
    users = get_user_model().objects.filter(notices__pk__in=notice_ids).only("email").distinct()
    address = {u.pk: u.email for u in users}
    for notice in Notice.objects.filter(pk__in=notice_ids, emailed_at__isnull=True):
        to = address.get(notice.user_id, "")
        if not to:
            continue
        if not Notice.objects.filter(pk=notice.pk, emailed_at__isnull=True).update(emailed_at=timezone.now()):
            continue
        link = f"{settings.SPOTCHECK_SITE_URL.rstrip('/')}{notice.link}" if notice.link else ""
        try:
            send_mail(notice.title, "\n\n".join(p for p in (notice.body, link) if p), None, [to])
        except OSError:
            # The notice is in the inbox; a mail server that is down loses only the copy.
            log.exception("notice %s: e-mail to %s failed", notice.pk, to)
            Notice.objects.filter(pk=notice.pk).update(emailed_at=None)
            continue
        sent += 1
    return sent


@transaction.atomic
def notice_mark_read(*, actor: Any, notice: Notice) -> Notice:
    """The recipient marks one notice read (again: no change)."""
    if notice.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("只能标记自己的提醒。"))
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
        audit_record(actor=actor, action="notices.notice.read", target=notice, after={"read_at": notice.read_at})
    return notice


@transaction.atomic
def notices_mark_all_read(*, actor: Any) -> int:
    """The recipient marks every unread notice read; one audit entry with the count."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"))
    count = Notice.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())
    if count:
        audit_record(
            actor=actor,
            action="notices.notice.read_all",
            target_type="notices.notice",
            target_repr=_("%(n)d 条提醒") % {"n": count},
            after={"count": count},
        )
    return count
