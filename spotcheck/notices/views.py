"""The inbox (/notices/): a user's own notices, newest first; marking them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from spotcheck.accounts.scope import require_staff
from spotcheck.notices import selectors, services
from spotcheck.notices.access import get_notice_for_user

NOTICES_PER_PAGE = 30


@login_required
@require_GET
def inbox_view(request):
    require_staff(request.user)
    page_obj = Paginator(selectors.notices_for(request.user), NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notices/inbox.html",
        {"page_obj": page_obj, "notices": page_obj.object_list, "unread": selectors.unread_count(request.user)},
    )


@login_required
@require_GET
def unread_badge_view(request):
    """The menu's unread count, fetched by htmx after the page loads (no page pays a query)."""
    require_staff(request.user)
    return render(request, "notices/_unread_badge.html", {"unread": selectors.unread_count(request.user)})


@login_required
@require_POST
def notice_open_view(request, pk):
    """Mark the notice read and go where it points (a link inside the platform only)."""
    notice = get_notice_for_user(request.user, pk)
    services.notice_mark_read(actor=request.user, notice=notice)
    if notice.link and url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None):
        return redirect(notice.link)
    return redirect("notices:inbox")


@login_required
@require_POST
def notices_read_all_view(request):
    require_staff(request.user)
    services.notices_mark_all_read(actor=request.user)
    return redirect("notices:inbox")
