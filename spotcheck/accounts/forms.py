from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from spotcheck.accounts.access import api_token_departments
from spotcheck.accounts.models import ApiToken, Department
from spotcheck.accounts.services import user_set_password
from spotcheck.core.forms import ChineseSelectsMixin


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确。请注意密码区分大小写。"),
        "inactive": _("该账号已停用，请联系系统管理员。"),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # Django sets the username's max_length after the field is made, which adds no
        # validator: an overlong name reached authenticate() and django-axes' counter, a
        # varchar(255) that PostgreSQL refuses with an error (a 500).
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class AuditedPasswordChangeForm(PasswordChangeForm):
    """A user's own password change, written through the service so it is audited."""

    def save(self, commit: bool = True):
        user_set_password(actor=self.user, user=self.user, raw_password=self.cleaned_data["new_password1"])
        return self.user


class ApiTokenForm(ChineseSelectsMixin, forms.Form):
    """Issue a token: the system, the department it is scoped to (those the user manages), and
    what it may do there."""

    name = forms.CharField(
        label=_("系统名称"), max_length=50, help_text=_("调用接口的业务系统，如“市场监管 许可审批系统”。")
    )
    department = forms.ModelChoiceField(label=_("部门"), queryset=Department.objects.none())
    role = forms.ChoiceField(label=_("权限"), choices=ApiToken.Access.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        departments = api_token_departments(user)
        queryset = Department.objects.filter(is_active=True)
        if departments is not None:
            queryset = queryset.filter(pk__in=departments)
        self.fields["department"].queryset = queryset
