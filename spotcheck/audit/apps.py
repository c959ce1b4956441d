from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "spotcheck.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        # Django's auth signals are the only hook for logins; the receivers just call the service.
        from spotcheck.audit import receivers  # noqa: F401
