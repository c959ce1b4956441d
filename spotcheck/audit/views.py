from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from spotcheck.audit.anchors import chain_report, describe_break
from spotcheck.audit.filters import AuditEntryFilter
from spotcheck.audit.models import AuditEntry
from spotcheck.audit.selectors import field_label, name_targets


def _require_auditor(user) -> None:
    # The rule is the accounts app's (its auth backend answers from the roles); others get a
    # 404, not a hint that the trail is here.
    if not user.has_perm("audit.view_auditentry"):
        raise Http404


@login_required
@require_GET
def entry_list(request):
    _require_auditor(request.user)
    # The actor's unit (User.unit) from their roles, fetched for the page in one go.
    entries = (
        AuditEntry.objects.select_related("actor", "department")
        .prefetch_related("actor__memberships__department")
        .order_by("-seq")
    )
    entry_filter = AuditEntryFilter(request.GET, queryset=entries)
    page = Paginator(entry_filter.qs, 50).get_page(request.GET.get("page"))
    name_targets(page.object_list)
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {"filter": entry_filter, "page_obj": page, "querystring": querystring.urlencode()},
    )


@login_required
@require_GET
def entry_detail(request, seq: int):
    _require_auditor(request.user)
    entry = get_object_or_404(
        AuditEntry.objects.select_related("actor", "department").prefetch_related("actor__memberships__department"),
        seq=seq,
    )
    name_targets([entry])
    keys = sorted(set(entry.before or {}) | set(entry.after or {}))
    changes = [
        ((entry.before or {}).get(k), (entry.after or {}).get(k), field_label(entry.target_type, k)) for k in keys
    ]
    return render(request, "audit/detail.html", {"entry": entry, "changes": changes})


@login_required
@require_POST
def verify_chain(request):
    """The chain and every anchor known to the server (the database's and the anchors file's):
    what ``manage.py verify_audit_chain`` checks, with the same result."""
    _require_auditor(request.user)
    report = chain_report()
    return render(
        request,
        "audit/_chain_status.html",
        {"report": report, "breaks": [describe_break(b) for b in report.breaks]},
    )
