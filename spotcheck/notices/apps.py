from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """站内提醒: notices to one user (a reminder of a deadline …), read in the inbox, e-mailed where
    configured. Just above accounts, so every app that has something to tell a user can."""

    name = "spotcheck.notices"
    verbose_name = _("站内提醒")
