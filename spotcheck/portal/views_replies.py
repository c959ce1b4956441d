"""企业说明/异议 on the portal (issue 14, item 4; voice14): the form beside a published result,
where the enterprise proves itself with its visit's 检查码, and the status page where it reads
the department's decision by typing the code again. No login, CSRF-protected, rate-limited."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from spotcheck.core.net import client_ip
from spotcheck.inspections.check_codes import MAX_INPUT, grouped
from spotcheck.portal import selectors_results
from spotcheck.portal.views_check import _noindex
from spotcheck.portal.visit_check import CodeInvalid, public_visit
from spotcheck.replies import selectors
from spotcheck.replies.models import EnterpriseReply
from spotcheck.replies.services import CONTACT_MAX, ReplyRateLimited, reply_submit


@require_http_methods(["GET", "POST"])
def reply_form_view(request, pk: int):
    published = selectors.current_published(pk)
    if published is None:  # never published, corrected since or withdrawn: nothing to reply to
        raise Http404
    context = {
        "r": selectors_results.public_result(published),
        "kinds": EnterpriseReply.Kind.choices,
        "max_chars": settings.SPOTCHECK_REPLY_MAX_CHARS,
        "contact_max": CONTACT_MAX,
        "max_input": MAX_INPUT,
        "errors": {},
        "form": {"kind": EnterpriseReply.Kind.STATEMENT},
    }
    status = 200
    if request.method == "POST":
        form = {key: request.POST.get(key, "") for key in ("code", "kind", "text", "contact_name")}
        try:
            reply_submit(
                actor=None,
                published=published,
                code=form["code"][:MAX_INPUT],
                kind=form["kind"][:16],
                text=form["text"][: settings.SPOTCHECK_REPLY_MAX_CHARS * 4],
                contact_name=form["contact_name"][: CONTACT_MAX * 4],
                client_ip=client_ip(request),
            )
        except ReplyRateLimited as exc:
            return _noindex(render(request, "portal/reply_limited.html", {"message": exc.message}, status=429))
        except ValidationError as exc:
            context["errors"] = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            context["form"] = form | {"code": form["code"][:MAX_INPUT]}
            status = 400
        else:
            query = urlencode({"code": form["code"][:MAX_INPUT], "sent": "1"})
            return redirect(f"{reverse('portal:reply_status')}?{query}")
    return _noindex(render(request, "portal/reply_form.html", context, status=status))


@require_GET
def reply_status_view(request):
    """The decisions on an enterprise's replies, read with the code of the visit."""
    typed = request.GET.get("code")
    if typed is None:
        return _noindex(render(request, "portal/reply_status.html", {"max_input": MAX_INPUT}))
    try:
        visit = public_visit(typed)
    except CodeInvalid:
        context = {"max_input": MAX_INPUT, "typed": typed[:MAX_INPUT], "invalid": True}
        return _noindex(render(request, "portal/reply_status.html", context, status=404))
    context = {
        "max_input": MAX_INPUT,
        "typed": visit.code,
        "v": visit,
        "code_grouped": grouped(visit.code),
        "replies": selectors.replies_of_visit(visit.visit_id),
        "published": selectors.current_publication_of_visit(visit.visit_id),
        "sent": request.GET.get("sent") == "1",
    }
    return _noindex(render(request, "portal/reply_status.html", context))
