"""检查码 (扫码入企 / 亮码检查): the random code of an approved visit and its QR.

The code is 12 characters of an alphabet without look-alikes (no 0/O, 1/I): 60 random bits from
``secrets``, so a code cannot be guessed or walked to the next one. Issued in the transaction of
the approval or emergency start that makes the visit go ahead; kept for good."""

from __future__ import annotations

import re
import secrets

import segno
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from spotcheck.draws.models import Visit
from spotcheck.inspections.models import VisitCode

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 12
# What a typed code may be before it is looked at: anything longer is no code (and not queried).
MAX_INPUT = 32
_SEPARATORS = re.compile(r"[\s\-]+")
_VALID = re.compile(rf"^[{ALPHABET}]{{{LENGTH}}}$")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(raw: str | None) -> str | None:
    """A code as typed or scanned (any case, spaces or hyphens between groups) in its stored
    form, or None when it cannot be a code."""
    if not raw or len(raw) > MAX_INPUT:
        return None
    code = _SEPARATORS.sub("", raw).upper()
    return code if _VALID.match(code) else None


def grouped(code: str) -> str:
    """For reading aloud and typing: ``ABCD-EFGH-JKLM``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def ensure_code(visit: Visit | int) -> VisitCode:
    """The visit's code, issued now if it has none (call inside the approving transaction). A
    collision with an existing code (1 in 2^60 per code) is retried with a new one."""
    visit_id = visit if isinstance(visit, int) else visit.pk
    existing = VisitCode.objects.filter(visit_id=visit_id).first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return VisitCode.objects.create(visit_id=visit_id, code=new_code(), created_at=timezone.now())
        except IntegrityError:
            if VisitCode.objects.filter(visit_id=visit_id).exists():
                return VisitCode.objects.get(visit_id=visit_id)
    raise RuntimeError("no free 检查码 after five attempts")


def public_path(code: str) -> str:
    from django.urls import reverse

    return reverse("portal:check_code", args=[code])


def public_url(code: str, request=None) -> str:
    """The public page's absolute address: ``SPOTCHECK_PUBLIC_BASE_URL`` when set (the portal's
    address as the enterprise reaches it), else the address of the request."""
    path = public_path(code)
    if settings.SPOTCHECK_PUBLIC_BASE_URL:
        return settings.SPOTCHECK_PUBLIC_BASE_URL + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def qr_svg(url: str, *, scale: int = 4) -> SafeString:
    """The QR of ``url`` as inline SVG (segno writes only paths and our URL, escaped)."""
    svg = segno.make(url, error="m").svg_inline(scale=scale, border=2, omitsize=True, svgclass="qr", title=url)
    return mark_safe(svg)  # noqa: S308 — segno's output: markup it generated, the URL XML-escaped
