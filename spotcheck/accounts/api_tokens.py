"""API tokens of departments' systems: issuing, revoking, and finding the token of a request.

Issued and revoked by an administrator (``access.may_manage_api_tokens``), each with its audit
entry. Issuing creates the token's service account (no password, one role in the department);
revoking stops the token and deactivates the account in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.accounts.access import may_manage_api_tokens
from spotcheck.accounts.models import ApiToken, Department, Membership, User
from spotcheck.accounts.scope import forget_scope
from spotcheck.audit.services import audit_record, snapshot

TOKEN_PREFIX = "sc_"  # noqa: S105 (marks a Spotcheck token in logs and secret scanners)
# The last use is written at most this often per token: not a write per request.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once; never stored


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _audit_view(token: ApiToken) -> dict[str, Any]:
    return {k: v for k, v in snapshot(token).items() if k != "token_hash"}


@transaction.atomic
def api_token_issue(*, actor: User, name: str, department: Department, role: str) -> IssuedToken:
    """A new token for a system of ``department`` acting with ``role`` (ApiToken.Access)."""
    if not may_manage_api_tokens(actor, department.pk):
        raise PermissionDenied(_("您无权为该部门签发 API 令牌。"))
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("请填写调用接口的系统名称。")})
    if role not in ApiToken.Access.values:
        raise ValidationError({"role": _("请选择令牌的权限。")})
    if not department.is_active:
        raise ValidationError({"department": _("该部门已停用。")})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    account = User(
        username=f"api_{department.code.lower()}_{secrets.token_hex(4)}"[:150],
        full_name=_("%(name)s（接口）") % {"name": name[:44]},
    )
    account.set_unusable_password()
    account.full_clean(exclude=["password"])
    account.save()
    Membership.objects.create(user=account, department=department, role=role)
    token = ApiToken(
        name=name,
        department=department,
        role=role,
        user=account,
        prefix=secret[:10],
        token_hash=hash_token(secret),
        created_by=actor,
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=actor, action="accounts.apitoken.issue", target=token, department=department, after=_audit_view(token)
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Refuse the token from now on, and deactivate its service account."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if not may_manage_api_tokens(actor, token.department_id):
        raise PermissionDenied(_("您无权撤销该部门的 API 令牌。"))
    if token.revoked_at is not None:
        raise ValidationError(_("该令牌已于 %(time)s 撤销。") % {"time": timezone.localtime(token.revoked_at)})
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    account = token.user
    account.is_active = False
    account.save(update_fields=["is_active"])
    Membership.objects.filter(user=account).update(is_active=False)
    forget_scope(account)
    audit_record(
        actor=actor,
        action="accounts.apitoken.revoke",
        target=token,
        department_id=token.department_id,
        after={"revoked_at": token.revoked_at, "revoked_by_id": actor.pk},
    )
    return token


def api_token_for_secret(secret: str) -> ApiToken | None:
    """The active token with this secret, or None. Looked up by its hash (an index lookup of a
    value the caller cannot steer byte by byte), then compared in constant time."""
    digest = hash_token(secret)
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    return token


def api_token_touch(token: ApiToken) -> None:
    """Record the token's last use (to the minute). Bookkeeping, not a change of anything the
    audit trail follows: the requests themselves are audited as the service account's."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def api_tokens_for(user: User):
    """The tokens the user manages (the tokens page), newest first."""
    from spotcheck.accounts.access import api_token_departments

    tokens = ApiToken.objects.select_related("department", "created_by", "revoked_by")
    departments = api_token_departments(user)
    if departments is not None:
        tokens = tokens.filter(department_id__in=departments)
    return tokens.order_by("-created_at", "-id")


def api_token_of_account(user: Any) -> ApiToken | None:
    """The active token whose service account ``user`` is (a department's system acting through
    the API), or None for a person. (api13: results entered for a team officer by a system.)"""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).select_related("department").first()
