from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from spotcheck.accounts.scope import require_staff
from spotcheck.web.selectors import dashboard


@login_required
@require_GET
def home(request):
    scope = require_staff(request.user)
    return render(request, "web/home.html", {"board": dashboard(scope, request.user)})


@require_GET
def favicon(request):
    """Browsers ask /favicon.ico whatever the page's <link rel=icon> says: send them to the SVG."""
    return redirect(static("spotcheck/favicon.svg"), permanent=True)
