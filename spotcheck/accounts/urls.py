from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from spotcheck.accounts import views
from spotcheck.accounts.forms import AuditedPasswordChangeForm, LoginForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            form_class=AuditedPasswordChangeForm,
            success_url=reverse_lazy("accounts:password_done"),
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_done.html"),
        name="password_done",
    ),
    path("lockouts/", views.lockout_list, name="lockouts"),
    path("lockouts/lift/", views.lockout_lift_view, name="lockout_lift"),
    path("api-tokens/", views.api_token_list, name="api_tokens"),
    path("api-tokens/<str:pk>/revoke/", views.api_token_revoke_view, name="api_token_revoke"),
]
