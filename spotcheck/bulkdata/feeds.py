"""Atom feeds of new notices (issue 14, item 6; bulk14), so that an enterprise or a journalist
learns of a draw or a result without calling: the portal's (task notices, drawn lists, result
notices), one department's, and one enterprise's (its published results, corrections and
withdrawals). Read through the portal's public selectors only. Each entry's id is a tag: URI
(RFC 4151) made of ``SPOTCHECK_FEED_TAG_AUTHORITY``, the day the thing was first public and what
it is, so it never changes when the entry is updated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Department
from spotcheck.bulkdata.views import clean_text
from spotcheck.portal import selectors as portal
from spotcheck.portal import selectors_results as portal_results

FEED_ENTRIES = 50


def tag(first_public: dt.datetime, specific: str) -> str:
    day = timezone.localtime(first_public).date().isoformat()
    return f"tag:{settings.SPOTCHECK_FEED_TAG_AUTHORITY},{day}:{specific}"


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    link: str
    published: dt.datetime
    updated: dt.datetime
    summary: str


def _task_entries(tasks, drawn) -> list[Entry]:
    entries = [
        Entry(
            id=tag(t.announced_at, f"task/{t.code}/notice"),
            title=_("抽查任务公告：%(title)s（%(code)s）") % {"title": t.title, "code": t.code},
            link=reverse("portal:task_detail", args=[t.code]),
            published=t.announced_at,
            updated=t.announced_at,
            summary=_("%(department)s发布抽查任务公告，检查期间 %(start)s 至 %(end)s。")
            % {"department": t.lead_department.name, "start": t.window_start, "end": t.window_end},
        )
        for t in tasks.order_by("-announced_at", "-pk")[:FEED_ENTRIES]
    ]
    entries += [
        Entry(
            id=tag(t.list_published_at, f"task/{t.code}/list"),
            title=_("抽取名单公布：%(title)s（%(code)s）") % {"title": t.title, "code": t.code},
            link=reverse("portal:task_detail", args=[t.code]),
            published=t.list_published_at,
            updated=t.list_published_at,
            summary=_("%(department)s公布了抽中的检查对象名单，可下载抽取记录并验证。")
            % {"department": t.lead_department.name},
        )
        for t in drawn.order_by("-list_published_at", "-pk")[:FEED_ENTRIES]
    ]
    return entries


def _notice_entries(notices) -> list[Entry]:
    return [
        Entry(
            id=tag(n.first_published_at, f"result-notice/{n.pk}"),
            title=str(n.title),
            link=reverse("portal:result_notice", args=[n.pk]),
            published=n.first_published_at,
            updated=n.updated_at,
            summary=_("任务 %(code)s（%(title)s）的检查结果已公示。") % {"code": n.task.code, "title": n.task.title},
        )
        for n in notices[:FEED_ENTRIES]
    ]


def _latest(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.updated, e.id), reverse=True)[:FEED_ENTRIES]


class _AtomFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, item: Entry) -> str:
        return item.title

    def item_description(self, item: Entry) -> str:
        return item.summary

    def item_link(self, item: Entry) -> str:
        return item.link

    def item_guid(self, item: Entry) -> str:
        return item.id

    item_guid_is_permalink = False

    def item_pubdate(self, item: Entry) -> dt.datetime:
        return item.published

    def item_updateddate(self, item: Entry) -> dt.datetime:
        return item.updated


class NoticesFeed(_AtomFeed):
    """Every new notice of the portal."""

    def title(self) -> str:
        return _("双随机、一公开 公示：最新公告")

    def subtitle(self) -> str:
        return _("抽查任务公告、抽取名单和检查结果公告")

    def link(self) -> str:
        return reverse("portal:index")

    def feed_guid(self) -> str:
        return f"tag:{settings.SPOTCHECK_FEED_TAG_AUTHORITY},2026:notices"

    def items(self) -> list[Entry]:
        entries = _task_entries(portal.public_tasks(), portal.public_drawn_tasks())
        return _latest(entries + _notice_entries(portal_results.public_result_notices()))


class DepartmentFeed(_AtomFeed):
    """One department's notices: the tasks it leads or joins, the result notices it issues."""

    def get_object(self, request, code: str) -> Department:
        department = Department.objects.filter(code=clean_text(code, 16)).first()
        if department is None:
            raise Http404
        return department

    def title(self, obj: Department) -> str:
        return _("%(department)s：最新公告") % {"department": obj.name}

    def link(self, obj: Department) -> str:
        return reverse("portal:index")

    def feed_guid(self, obj: Department) -> str:
        return f"tag:{settings.SPOTCHECK_FEED_TAG_AUTHORITY},2026:department/{obj.code}"

    def items(self, obj: Department) -> list[Entry]:
        mine = Q(lead_department=obj) | Q(participating_departments=obj)
        tasks = portal.public_tasks().filter(mine).distinct()
        drawn = portal.public_drawn_tasks().filter(mine).distinct()
        notices = portal_results.public_result_notices().filter(department=obj)
        return _latest(_task_entries(tasks, drawn) + _notice_entries(notices))


class EnterpriseFeed(_AtomFeed):
    """One enterprise's published results, corrections and withdrawals."""

    def get_object(self, request, public_code: str):
        # 404 unless it has a public result.
        return portal_results.public_object(clean_text(public_code, 32))

    def _name(self, obj) -> str:
        latest = portal_results.object_results(obj).first()
        return latest.record["object"]["name"] if latest else ""

    def title(self, obj) -> str:
        return _("%(name)s：抽查检查结果") % {"name": self._name(obj)}

    def link(self, obj) -> str:
        return reverse("portal:enterprise", args=[obj.public_code])

    def feed_guid(self, obj) -> str:
        return f"tag:{settings.SPOTCHECK_FEED_TAG_AUTHORITY},2026:enterprise/{obj.public_code}"

    def items(self, obj) -> list[Entry]:
        rows = portal_results.shown_results().filter(inspection_object=obj)[:FEED_ENTRIES]
        link = reverse("portal:enterprise", args=[obj.public_code])
        entries = []
        for row in rows:
            shown = portal_results.public_result(row)
            subject = {"department": shown.department, "task": shown.task_code, "date": shown.completed_on}
            if shown.withdrawn:
                title = _("撤下：%(department)s 抽查结果（任务 %(task)s，%(date)s）") % subject
                summary = _("撤下说明：%(reason)s") % {"reason": shown.withdrawal_reason}
            else:
                if shown.version > 1:
                    title = _("更正：%(department)s 抽查结果（任务 %(task)s，%(date)s）") % subject
                else:
                    title = _("%(department)s 抽查结果（任务 %(task)s，%(date)s）") % subject
                lines = [f"{i.name}：{i.result if i.checked else _('未检查')}" for i in shown.items] or [shown.outcome]
                if shown.correction_reason:
                    lines.append(_("更正说明：%(reason)s") % {"reason": shown.correction_reason})
                summary = "；".join(lines)
            entries.append(
                Entry(
                    id=tag(row.published_at, f"result/{row.pk}"),
                    title=title,
                    link=f"{link}#r{row.pk}",
                    published=row.published_at,
                    updated=row.withdrawn_at or row.published_at,
                    summary=summary,
                )
            )
        return _latest(entries)
