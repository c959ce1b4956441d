from spotcheck.audit.context import audit_source
from spotcheck.core.net import client_ip


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "api" if request.path.startswith("/api/") else "web"
        with audit_source(source, client_ip(request)):
            return self.get_response(request)
