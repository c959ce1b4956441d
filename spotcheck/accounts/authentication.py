"""The API's token authentication (``REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]``):
``Authorization: Bearer <token>`` (or ``Token <token>``) of a department's system; see
``api_tokens``. First in the list, so an anonymous client gets 401 with its challenge."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from spotcheck.accounts.api_tokens import api_token_for_secret, api_token_touch

KEYWORDS = (b"bearer", b"token")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        try:
            parts = authentication.get_authorization_header(request).split()
        except UnicodeError:  # a header that is not Latin-1 (only an in-process client sends one)
            raise exceptions.AuthenticationFailed(_("API 令牌无效或已撤销。")) from None
        if not parts or parts[0].lower() not in KEYWORDS:
            return None  # not ours: the session may still authenticate
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization 头格式应为：Bearer <令牌>。"))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("API 令牌无效或已撤销。")) from None
        token = api_token_for_secret(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("API 令牌无效或已撤销。"))
        api_token_touch(token)
        return (token.user, token)

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI schema (drf-spectacular)."""

    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": _("各部门业务系统的 API 令牌")}
