from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared helpers, and the one model they need (the code counter)."""

    name = "spotcheck.core"
    verbose_name = _("公共组件")
