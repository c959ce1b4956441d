from spotcheck.audit.context import audit_source


def client_ip(request) -> str | None:
    # Behind a reverse proxy set DJANGO_BEHIND_TLS_PROXY and let the proxy set REMOTE_ADDR
    # (e.g. nginx real_ip); a client-supplied X-Forwarded-For is never trusted here.
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "api" if request.path.startswith("/api/") else "web"
        with audit_source(source, client_ip(request)):
            return self.get_response(request)
