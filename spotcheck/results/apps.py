from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    """检查结果: what a visit found, per item — entered on site, confirmed by two certified
    officers, approved where the department asks, corrected only with a reason."""

    name = "spotcheck.results"
    verbose_name = _("检查结果")
