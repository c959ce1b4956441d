"""Login lockouts (django-axes counts the failures; see settings "Failed logins"): how long one
lasts, the lockout page, the one audit entry per lockout, lifting one.

Axes keeps one ``AccessAttempt`` row per (username, address, user agent) with its number of
failures and the time of the last; rows older than the cool-off no longer count. An account
(address) is locked while its rows within the cool-off add up to the limit; it is freed when
enough of them have aged out, which ``_locked_until`` computes so the page can say when.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.accounts.access import may_lift_lockouts
from spotcheck.audit.services import audit_record

PARAMETERS = ("username", "ip_address")


@dataclass(frozen=True)
class Lockout:
    parameter: str  # "username" or "ip_address"
    value: str
    failures: int
    until: dt.datetime


def _recent(now: dt.datetime | None = None) -> QuerySet[AccessAttempt]:
    now = now or timezone.now()
    return AccessAttempt.objects.filter(attempt_time__gte=now - settings.AXES_COOLOFF_TIME)


def _locked_until(rows: list[tuple[dt.datetime, int]]) -> dt.datetime | None:
    """When the rows (time of last failure, failures) stop adding up to the limit, or None if
    they do not now: the newest rows that reach the limit keep it until the oldest of them ages
    out."""
    total = 0
    for attempt_time, failures in sorted(rows, reverse=True):
        total += failures
        if total >= settings.AXES_FAILURE_LIMIT:
            return attempt_time + settings.AXES_COOLOFF_TIME
    return None


def axes_username(request: Any, credentials: dict | None = None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the username as axes counts it, cut to what fits its column
    (and without NUL, which PostgreSQL refuses), whichever login form it came through."""
    value = credentials.get("username") if credentials else getattr(request, "POST", {}).get("username")
    if value is None:
        return None
    return str(value).replace("\x00", "")[:150]


def lockout_of(parameter: str, value: str | None, now: dt.datetime | None = None) -> Lockout | None:
    """The lockout of one account (``username``) or address (``ip_address``), if any."""
    if not value:
        return None
    rows = list(_recent(now).filter(**{parameter: value}).values_list("attempt_time", "failures_since_start"))
    until = _locked_until(rows)
    if until is None:
        return None
    return Lockout(parameter, value, sum(f for _, f in rows), until)


def lockouts_of(username: str | None, ip_address: str | None) -> list[Lockout]:
    found = [lockout_of("username", username), lockout_of("ip_address", ip_address)]
    return [lockout for lockout in found if lockout is not None]


def active_lockouts() -> list[Lockout]:
    """Every account and address locked now, the latest to end first (the lockouts page)."""
    recent = _recent()
    found = []
    for parameter in PARAMETERS:
        values = recent.exclude(**{f"{parameter}__isnull": True}).values_list(parameter, flat=True).distinct()
        found += [lockout_of(parameter, value) for value in values]
    return sorted((f for f in found if f is not None), key=lambda f: f.until, reverse=True)


def display_time(moment: dt.datetime) -> str:
    """Local time to the minute, rounded up (never tell someone to retry before it ends)."""
    local = timezone.localtime(moment)
    rounded = local.replace(second=0, microsecond=0)
    if rounded < local:
        rounded += dt.timedelta(minutes=1)
    return rounded.strftime("%Y-%m-%d %H:%M")


def lockout_message(lockouts: list[Lockout]) -> str:
    by_account = next((lo for lo in lockouts if lo.parameter == "username"), None)
    if by_account is not None:
        return _(
            "登录失败次数过多（%(minutes)s 分钟内 %(limit)s 次），账号“%(username)s”已被锁定，"
            "%(until)s（北京时间）后可再试，届时请使用正确的密码；如需提前解锁，请联系系统管理员。"
        ) % {
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            "limit": settings.AXES_FAILURE_LIMIT,
            "username": by_account.value,
            "until": display_time(by_account.until),
        }
    until = max((lo.until for lo in lockouts), default=timezone.now() + settings.AXES_COOLOFF_TIME)
    return _(
        "从您所在的网络地址登录失败次数过多，该地址已被暂时锁定，%(until)s（北京时间）后可再试；"
        "如需提前解锁，请联系系统管理员。"
    ) % {"until": display_time(until)}


def lockout_response(request: Any, original_response: Any = None, credentials: dict | None = None):
    """``AXES_LOCKOUT_CALLABLE``: the login page again, saying what is locked and until when
    (429 Too Many Requests). Also answers the admin site's login form."""
    from spotcheck.accounts.forms import LoginForm  # forms import the services, which import this

    username = get_client_username(request, credentials) or ""
    lockouts = lockouts_of(username, request.axes_ip_address)
    form = LoginForm(request, initial={"username": username})
    context = {"form": form, "lockout_message": lockout_message(lockouts), "next": request.POST.get("next", "")}
    return render(request, "accounts/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def record_lockout(*, request: Any, username: str | None, ip_address: str | None) -> None:
    """Receiver of axes' ``user_locked_out``: one audit entry when an account or an address
    reaches the limit. Axes signals again at every refused attempt during the lockout (each
    counts as a failure, so the count is past the limit then); those add nothing to the trail."""
    just_locked = [
        lockout for lockout in lockouts_of(username, ip_address) if lockout.failures == settings.AXES_FAILURE_LIMIT
    ]
    if not just_locked:
        return
    user = get_user_model().objects.filter(username=username).first() if username else None
    audit_record(
        actor=None,
        action="auth.lockout",
        target=user,
        target_type="accounts.user",
        target_repr=(username or "")[:150],
        department_id=user.primary_department_id if user is not None else None,
        after={
            "username": (username or "")[:150],
            "ip_address": ip_address,
            "locked": [lockout.parameter for lockout in just_locked],
            "failures": settings.AXES_FAILURE_LIMIT,
            "until": max(lockout.until for lockout in just_locked),
        },
    )


def on_user_locked_out(sender: Any, request: Any, username: str | None = None, ip_address: str | None = None, **kwargs):
    record_lockout(request=request, username=username, ip_address=ip_address)


@transaction.atomic
def lockout_lift(*, actor: Any, username: str = "", ip_address: str = "") -> int:
    """Lift the lockout of an account (every address's failures for it) or of an address (every
    account's failures from it) at once; returns the number of counters cleared."""
    if not may_lift_lockouts(actor):
        raise PermissionDenied(_("只有系统管理员可以解除登录锁定。"))
    username, ip_address = username.strip(), ip_address.strip()
    if bool(username) == bool(ip_address):
        raise ValidationError(_("请填写要解锁的用户名或网络地址（二者填一）。"))
    if username:
        cleared = AxesProxyHandler.reset_attempts(username=username)
    else:
        cleared = AxesProxyHandler.reset_attempts(ip_address=ip_address)
    user = get_user_model().objects.filter(username=username).first() if username else None
    audit_record(
        actor=actor,
        action="auth.lockout_lifted",
        target=user,
        target_type="accounts.user" if username else "",
        target_repr=username or ip_address,
        after={"username": username, "ip_address": ip_address, "counters_cleared": cleared},
    )
    return cleared
