from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    """检查实施: a drawn visit carried out — merged visits across departments (合并检查) today;
    approval, the checklist, results, evidence and follow-up next."""

    name = "spotcheck.inspections"
    verbose_name = _("检查实施")

    def ready(self) -> None:
        from spotcheck.inspections import receivers  # noqa: F401  (connects to draws' signals)
