from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "spotcheck.portal"
    verbose_name = _("公示门户")
