from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "spotcheck.catalog"
    verbose_name = _("抽查事项清单")
