"""Helpers of the on-site cap tests (i13-onsite): earlier on-site inspections of an object."""

import datetime as dt

from django.utils import timezone

from spotcheck.draws.models import OnSiteInspection

Kind, Trigger = OnSiteInspection.Kind, OnSiteInspection.Trigger


def earlier(obj, department, user, days_ago, *, kind=Kind.SPECIAL, trigger=Trigger.OWN, at=None, **fields):
    """An on-site inspection ``days_ago`` days before ``at`` (now), of a kind that needs no visit
    (专项, by the body's own decision: it counts). As a later issue's recording will write it."""
    at = at or timezone.now()
    return OnSiteInspection.objects.create(
        inspection_object=obj,
        department=department,
        kind=kind,
        trigger=trigger,
        counts_toward_cap=OnSiteInspection.counts(kind, trigger),
        inspected_at=at - dt.timedelta(days=days_ago),
        recorded_by=user,
        recorded_at=at,
        **fields,
    )
