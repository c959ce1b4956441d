from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "spotcheck.planning"
    verbose_name = _("年度抽查计划")
