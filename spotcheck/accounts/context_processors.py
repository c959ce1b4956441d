from spotcheck.accounts.access import may_lift_lockouts, may_manage_api_tokens
from spotcheck.accounts.scope import scope_for


def memberships(request):
    user = getattr(request, "user", None)
    # The two administrators' pages in the user menu; both answer from the cached scope.
    return {
        "scope": scope_for(user),
        "may_manage_api_tokens": lambda: may_manage_api_tokens(user),
        "may_lift_lockouts": lambda: may_lift_lockouts(user),
    }
