from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "spotcheck.audit"
    verbose_name = _("审计日志")

    def ready(self) -> None:
        # Django's auth signals are the only hook for logins; the receivers just call the service.
        from spotcheck.audit import receivers  # noqa: F401
