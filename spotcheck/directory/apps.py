from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "spotcheck.directory"
    verbose_name = _("检查对象名录库")
