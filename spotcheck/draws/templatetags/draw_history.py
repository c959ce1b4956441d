"""``{% object_draws obj %}``: the object page's 抽查记录, the tasks whose draws the object was in.
The directory sits below the draws and does not import them; its page loads this tag."""

from django import template

from spotcheck.accounts.scope import scope_for
from spotcheck.directory.models import InspectionObject
from spotcheck.draws import selectors

register = template.Library()


@register.inclusion_tag("draws/_object_draws.html", takes_context=True)
def object_draws(context, obj: InspectionObject) -> dict:
    request = context.get("request")
    scope = scope_for(getattr(request, "user", None))
    rows = selectors.object_draws(scope, obj)
    return {
        "rows": rows,
        "capped": len(rows) >= selectors.OBJECT_DRAWS_MAX,
        # Other departments' tasks are listed only once public: say so to a department's staff.
        "partial": not scope.reads_all,
    }
