"""检查码 pages of the portal (扫码入企): the code entered by hand, the visit it names, and the
enterprise's rating or complaint after the visit — no login, CSRF-protected, rate-limited. A
code that names no visit is a 404 saying 检查码无效, whatever was typed."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from spotcheck.core.net import client_ip
from spotcheck.draws.models import Visit
from spotcheck.inspections.check_codes import MAX_INPUT, grouped
from spotcheck.inspections.feedback import FeedbackRateLimited, feedback_open, visit_feedback_submit
from spotcheck.portal.visit_check import CodeInvalid, public_visit
from spotcheck.replies.selectors import answers_of_visit, current_publication_of_visit  # voice14

RATINGS = (5, 4, 3, 2, 1)


def _noindex(response):
    # A code is for the enterprise and the team: no search engine should list its page.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"  # "no-referrer" sends Origin: null, which CSRF refuses
    return response


def _invalid(request, typed: str = ""):
    context = {"typed": typed[:MAX_INPUT], "max_input": MAX_INPUT}
    return _noindex(render(request, "portal/check_code_invalid.html", context, status=404))


@require_GET
def check_code_form_view(request):
    """The form to type a code; a typed code goes to its page (or 检查码无效)."""
    typed = request.GET.get("code")
    if typed is None:
        return _noindex(render(request, "portal/check_code_form.html", {"max_input": MAX_INPUT}))
    try:
        visit = public_visit(typed)
    except CodeInvalid:
        return _invalid(request, typed)
    return redirect("portal:check_code", code=visit.code)


@require_http_methods(["GET", "POST"])
def check_code_view(request, code: str):
    try:
        visit = public_visit(code)
    except CodeInvalid:
        return _invalid(request, code)
    if visit.code != code:  # typed in lower case or with hyphens: one address per code
        return redirect("portal:check_code", code=visit.code)
    context = {
        "v": visit,
        "code_grouped": grouped(visit.code),
        "feedback_open": feedback_open(visit.visit_id),
        "ratings": RATINGS,
        "max_chars": settings.SPOTCHECK_FEEDBACK_MAX_CHARS,
        "sent": request.GET.get("sent") == "1",
        "errors": {},
        "form": {},
        # voice14: the department's answers to the complaints about this visit (only here), and
        # the published result the enterprise may reply to.
        "answers": answers_of_visit(visit.visit_id),
        "published": current_publication_of_visit(visit.visit_id),
    }
    status = 200
    if request.method == "POST":
        form = {"rating": request.POST.get("rating", ""), "complaint": request.POST.get("complaint", "")}
        try:
            visit_feedback_submit(
                actor=None,
                visit=Visit.objects.get(pk=visit.visit_id),
                rating=form["rating"][:8],
                complaint=form["complaint"][: settings.SPOTCHECK_FEEDBACK_MAX_CHARS * 4],
                client_ip=client_ip(request),
            )
        except FeedbackRateLimited as exc:
            limited = {"v": visit, "message": exc.message}
            return _noindex(render(request, "portal/check_code_limited.html", limited, status=429))
        except ValidationError as exc:
            context["errors"] = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            context["form"] = form
            status = 400
        else:
            return redirect(reverse("portal:check_code", args=[visit.code]) + "?sent=1#feedback")
    return _noindex(render(request, "portal/check_code.html", context, status=status))
