"""无事不扰: the region's cap on how often one object is drawn in a year, by all departments
together (``DrawFrequencyRule``). The coordinator sets it (``frequency_rule_set``, audited); the
freeze excludes objects at the cap (pool.py, reason ``yearly_cap``); the portal publishes it.
The interval before the same item may come back stays each plan entry's and task's own."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.accounts.models import Region
from spotcheck.accounts.scope import require_staff, scope_for
from spotcheck.audit.services import audit_change, snapshot
from spotcheck.draws.access import can_set_frequency_rule
from spotcheck.draws.models import DrawFrequencyRule, Task, Visit

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

YEAR = dt.timedelta(days=365)
MAX_DRAWS_PER_YEAR = 52


def rule_for(region_id: int | None) -> DrawFrequencyRule | None:
    return DrawFrequencyRule.objects.filter(region_id=region_id).first() if region_id else None


def rule_for_user(user: User) -> DrawFrequencyRule | None:
    """The rule of the user's region: the one they coordinate, else their first department's."""
    return rule_for(scope_for(user).home_region_id)


def coordinator_region(actor: User) -> Region:
    """The region whose rule the actor sets: the one they coordinate."""
    scope = require_staff(actor)
    if not can_set_frequency_rule(scope):
        raise PermissionDenied(_("只有联席会议办公室协调员可以设置无事不扰规则。"))
    return Region.objects.get(pk=scope.coordinator_region_id)


@transaction.atomic
def frequency_rule_set(*, actor: User, max_draws_per_year: int | None) -> DrawFrequencyRule:
    """Set (or lift, with None) the yearly cap of the coordinator's region. Applies to pools
    frozen from now on; frozen pools keep what they were frozen with."""
    region = coordinator_region(actor)
    if max_draws_per_year is not None and (
        isinstance(max_draws_per_year, bool) or not 1 <= max_draws_per_year <= MAX_DRAWS_PER_YEAR
    ):
        raise ValidationError(
            {"max_draws_per_year": _("每年最多被抽中次数应为 1 到 %(max)s 之间的整数。") % {"max": MAX_DRAWS_PER_YEAR}}
        )
    rule = DrawFrequencyRule.objects.select_for_update().filter(region=region).first()
    fields = ["max_draws_per_year"]
    before = snapshot(rule, fields) if rule is not None else {"max_draws_per_year": None}
    if rule is None:
        rule = DrawFrequencyRule(region=region)
    rule.max_draws_per_year = max_draws_per_year
    rule.updated_by, rule.updated_at = actor, timezone.now()
    rule.full_clean()
    rule.save()
    audit_change(
        actor=actor,
        action="draws.frequency_rule.set",
        target=rule,
        before=before,
        after=snapshot(rule, fields),
    )
    return rule


def objects_at_yearly_cap(cap: int, now: dt.datetime) -> QuerySet:
    """The ids (one-column values()) of the objects drawn ``cap`` times or more in the year
    before ``now``, by tasks of any department and item, cancelled tasks not counted."""
    return (
        Visit.objects.filter(task__status=Task.Status.DRAWN, task__draw__drawn_at__gte=now - YEAR)
        .values("inspection_object_id")
        .annotate(times=Count("pk"))
        .filter(times__gte=cap)
        .values("inspection_object_id")
    )
