"""The administrators' pages of accounts: login lockouts, and the API tokens of departments'
systems."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from spotcheck.accounts.access import may_lift_lockouts
from spotcheck.accounts.lockouts import active_lockouts, display_time, lockout_lift


def _require_lockout_admin(user) -> None:
    # Others get a 404, not a hint that the page exists.
    if not may_lift_lockouts(user):
        raise Http404


@login_required
@require_GET
def lockout_list(request):
    _require_lockout_admin(request.user)
    rows = [(lockout, display_time(lockout.until)) for lockout in active_lockouts()]
    context = {
        "rows": rows,
        "settings_limit": settings.AXES_FAILURE_LIMIT,
        "settings_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "accounts/lockouts.html", context)


@login_required
@require_POST
def lockout_lift_view(request):
    _require_lockout_admin(request.user)
    username = request.POST.get("username", "")[:150]
    ip_address = request.POST.get("ip_address", "")[:45]
    try:
        cleared = lockout_lift(actor=request.user, username=username, ip_address=ip_address)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        values = {"target": username or ip_address, "count": cleared}
        messages.success(request, _("已解除“%(target)s”的登录锁定（清除 %(count)s 条计数）。") % values)
    return redirect("accounts:lockouts")
