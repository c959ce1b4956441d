from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.services import user_set_password


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确。请注意密码区分大小写。"),
        "inactive": _("该账号已停用，请联系系统管理员。"),
    }


class AuditedPasswordChangeForm(PasswordChangeForm):
    """A user's own password change, written through the service so it is audited."""

    def save(self, commit: bool = True):
        user_set_password(actor=self.user, user=self.user, raw_password=self.cleaned_data["new_password1"])
        return self.user
