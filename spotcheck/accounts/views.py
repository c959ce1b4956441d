"""The administrators' pages of accounts: login lockouts, and the API tokens of departments'
systems."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spotcheck.accounts.access import may_lift_lockouts, may_manage_api_tokens
from spotcheck.accounts.api_tokens import api_token_issue, api_token_revoke, api_tokens_for
from spotcheck.accounts.forms import ApiTokenForm
from spotcheck.accounts.lockouts import active_lockouts, display_time, lockout_lift
from spotcheck.accounts.scope import require_staff
from spotcheck.core.params import parse_id


def _require_lockout_admin(user) -> None:
    # Without a role: 404, nothing of the back office; staff without the right: 403.
    require_staff(user)
    if not may_lift_lockouts(user):
        raise PermissionDenied(_("只有系统管理员可以解除登录锁定。"))


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


def _require_token_admin(user) -> None:
    require_staff(user)
    if not may_manage_api_tokens(user):
        raise PermissionDenied(_("API 令牌由部门管理员、联席办协调员或系统管理员签发和撤销。"))


@login_required
@require_http_methods(["GET", "POST"])
def api_token_list(request):
    """The tokens the user manages, and the form to issue one. A new token is shown on the page
    that answers the POST, once: it is neither stored nor put in a redirect or the session."""
    _require_token_admin(request.user)
    issued = None
    if request.method == "POST":
        form = ApiTokenForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                issued = api_token_issue(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                form = ApiTokenForm(user=request.user)
    else:
        form = ApiTokenForm(user=request.user)
    context = {"form": form, "issued": issued, "tokens": api_tokens_for(request.user)}
    return render(request, "accounts/api_tokens.html", context)


@login_required
@require_POST
def api_token_revoke_view(request, pk: str):
    _require_token_admin(request.user)
    token = api_tokens_for(request.user).filter(pk=parse_id(pk)).first()
    if token is None:
        raise Http404
    try:
        api_token_revoke(actor=request.user, token=token)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已撤销令牌“%(token)s”，使用它的请求将被拒绝。") % {"token": token})
    return redirect("accounts:api_tokens")
