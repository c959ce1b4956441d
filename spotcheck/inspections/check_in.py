"""到场登记: ``visit_check_in``, a team member records the team's arrival on site (server time,
and the browser's location where the inspector allowed it). Audited in its transaction.

One check-in per visit: it is what the yearly cap (无事不扰) counts as an on-site inspection by
the visit's body, so a second one is refused (a re-check after 责令改正 is a visit of its own).
In a merged visit the arrival is recorded per visit (``merged_visit_check_in``): on every visit
of it whose team the user is on, since each body's count is its own; another department's team
checks in on its own visit, as a member of one team cannot vouch for another's presence. Each
check-in notes the merged visit it was part of.

Each check-in is recorded as an on-site inspection of the object by every department of the
visit's task (``draws.onsite.onsite_inspection_record``, in the same transaction): what the
body's yearly cap (无事不扰) counts. A department at its cap needs ``over_cap_reason``; the
inspection is then flagged to the coordinator."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.audit.services import audit_record, snapshot
from spotcheck.draws.models import Task, Visit
from spotcheck.draws.onsite import onsite_inspection_record
from spotcheck.inspections.access import CHECK_IN_RULE, team_inspector_of
from spotcheck.inspections.models import VisitCheckIn
from spotcheck.inspections.selectors import merged_visit_of, require_approved_or_emergency

if TYPE_CHECKING:
    from spotcheck.accounts.models import User

# A browser reports its accuracy in metres; beyond this the location says nothing of the site.
MAX_ACCURACY_M = 100_000


def _coordinate(value: object, *, field: str, label: str, limit: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError({field: _("%(label)s不是数字。") % {"label": label}}, code="invalid") from None
    if not number.is_finite() or not -limit <= number <= limit:
        raise ValidationError(
            {field: _("%(label)s须在 -%(limit)s 到 %(limit)s 之间。") % {"label": label, "limit": limit}},
            code="out_of_range",
        )
    return number.quantize(Decimal("0.000001"))


def _accuracy(value: object) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError({"accuracy": _("定位精度不是数字。")}, code="invalid") from None
    if not number.is_finite() or number < 0:
        raise ValidationError({"accuracy": _("定位精度须为非负数（米）。")}, code="out_of_range")
    return min(int(number.to_integral_value()), MAX_ACCURACY_M)


@transaction.atomic
def visit_check_in(
    *,
    actor: User,
    visit: Visit,
    latitude: object = None,
    longitude: object = None,
    accuracy: object = None,
    over_cap_reason: str = "",
) -> VisitCheckIn:
    """到场登记 of ``visit`` by ``actor``, a member of its team, at the server's time. Refused
    when the actor is not on the team, the task is not drawn (or cancelled), the visit is
    neither approved nor started in an emergency, or it was checked in already, and when a
    department of the task is at its yearly on-site cap and no ``over_cap_reason`` is given.
    The location is optional: both coordinates or none (an accuracy alone is dropped)."""
    inspector = team_inspector_of(actor, visit)
    if inspector is None:
        raise PermissionDenied(CHECK_IN_RULE)
    lat = _coordinate(latitude, field="latitude", label=_("纬度"), limit=90)
    lng = _coordinate(longitude, field="longitude", label=_("经度"), limit=180)
    if (lat is None) != (lng is None):
        raise ValidationError(_("位置须同时包含纬度和经度。"), code="partial_location")
    acc = _accuracy(accuracy) if lat is not None else None
    task = Task.objects.select_for_update().get(pk=visit.task_id)
    if task.status != Task.Status.DRAWN:
        raise ValidationError(
            _("任务当前状态为“%(status)s”，只有已抽取且未取消的任务的检查可以登记到场。")
            % {"status": task.get_status_display()},
            code="task_not_drawn",
        )
    visit = Visit.objects.select_for_update(of=("self",)).select_related("task").get(pk=visit.pk)
    require_approved_or_emergency(visit)
    earlier = VisitCheckIn.objects.filter(visit=visit).first()
    if earlier is not None:
        raise ValidationError(
            _("该检查已于 %(at)s 登记到场，不能重复登记。")
            % {"at": timezone.localtime(earlier.checked_in_at).strftime("%Y-%m-%d %H:%M")},
            code="already_checked_in",
        )
    check_in = VisitCheckIn(
        visit=visit,
        checked_in_by=actor,
        inspector=inspector,
        checked_in_at=timezone.now(),
        latitude=lat,
        longitude=lng,
        accuracy=acc,
        merged_visit=merged_visit_of(visit),
    )
    check_in.full_clean()
    check_in.save(force_insert=True)
    merged_with = []
    if check_in.merged_visit is not None:
        merged_with = list(
            check_in.merged_visit.members.filter(is_active=True).exclude(visit=visit).values_list("visit_id", flat=True)
        )
    onsite_inspection_record(
        actor=actor,
        visit=visit,
        inspected_at=check_in.checked_in_at,
        over_cap_reason=over_cap_reason,
        merged_with=merged_with,
    )
    audit_record(
        actor=actor,
        action="inspections.visit.check_in",
        target=check_in,
        after=snapshot(check_in) | {"task": task.code, "visit_public_id": visit.public_id},
        department_id=task.lead_department_id,
    )
    return check_in


@transaction.atomic
def merged_visit_check_in(
    *,
    actor: User,
    visit: Visit,
    latitude: object = None,
    longitude: object = None,
    accuracy: object = None,
    over_cap_reason: str = "",
) -> tuple[list[VisitCheckIn], list[tuple[Visit, str]]]:
    """One arrival at a merged visit, recorded per visit the actor is on the team of: ``visit``
    (refused as ``visit_check_in`` refuses) and each other visit of its active merged visit
    whose team the actor is on too and that is not checked in yet. Such a visit that may not be
    checked in (not approved …) is left out with the reason; the others are recorded."""
    location = {"latitude": latitude, "longitude": longitude, "accuracy": accuracy, "over_cap_reason": over_cap_reason}
    check_ins = [visit_check_in(actor=actor, visit=visit, **location)]
    merged_visit = check_ins[0].merged_visit
    skipped: list[tuple[Visit, str]] = []
    if merged_visit is None:
        return check_ins, skipped
    others = (
        Visit.objects.filter(
            merged_visit_memberships__merged_visit=merged_visit,
            merged_visit_memberships__is_active=True,
            members__inspector__user_id=actor.pk,
        )
        .exclude(pk=visit.pk)
        .exclude(check_in__isnull=False)
        .select_related("task")
        .distinct()
        .order_by("pk")
    )
    for other in others:
        try:
            with transaction.atomic():
                check_ins.append(visit_check_in(actor=actor, visit=other, **location))
        except ValidationError as exc:
            skipped.append((other, " ".join(exc.messages)))
    return check_ins, skipped
