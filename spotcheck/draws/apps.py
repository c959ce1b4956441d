from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrawsConfig(AppConfig):
    name = "spotcheck.draws"
    verbose_name = _("抽查任务与双随机抽取")
