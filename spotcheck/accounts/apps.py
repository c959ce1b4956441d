from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "spotcheck.accounts"
    verbose_name = _("账户与部门")

    def ready(self) -> None:
        # django-axes signals a lockout; the receiver writes its one audit entry.
        from axes.signals import user_locked_out

        from spotcheck.accounts.lockouts import on_user_locked_out

        user_locked_out.connect(on_user_locked_out, dispatch_uid="spotcheck.accounts.lockout")

        # The token's security scheme must be known to drf-spectacular before a schema is made.
        from spotcheck.accounts import authentication  # noqa: F401
