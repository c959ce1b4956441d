from spotcheck.accounts.scope import scope_for


def memberships(request):
    user = getattr(request, "user", None)
    return {"scope": scope_for(user)}
