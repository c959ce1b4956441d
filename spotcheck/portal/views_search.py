"""The portal's search of published results (issue 14, item 3; search14)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from spotcheck.portal.forms_search import PublicSearchForm
from spotcheck.portal.row_urls import row_url
from spotcheck.portal.selectors_search import CappedSearch

PAGE_SIZE = 50


@require_GET
def search_view(request):
    """Enterprises with published results, by name fragment, code, department, region,
    industry, result and completion date; nothing is searched until a criterion is given."""
    params = request.GET.copy()
    params.pop("page", None)
    form = PublicSearchForm(params or None)
    matches = page_obj = None
    rows = []
    if form.is_bound and form.is_valid() and not form.criteria().is_empty:
        matches = CappedSearch(form.criteria())
        page_obj = Paginator(matches, PAGE_SIZE).get_page(request.GET.get("page"))
        # load14: each row's link at the cost of one reverse (row_urls).
        enterprise_url = row_url("portal:enterprise")
        rows = [(o, enterprise_url(o.public_code)) for o in page_obj.object_list]
    return render(
        request,
        "portal/search.html",
        {
            "form": form,
            "options": form.options(),
            "values": {name: form.value(name) for name in form.fields},
            "matches": matches,
            "page_obj": page_obj,
            "rows": rows,
            "querystring": params.urlencode(),
        },
    )
