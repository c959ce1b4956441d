"""Where the current change comes from (web/api/cli/job and the client's IP).

Set once per request by the middleware, or by a command or job, so services do not need the
request passed down just for the audit trail.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditContext:
    source: str = "system"
    ip: str | None = None


_current: contextvars.ContextVar[AuditContext] = contextvars.ContextVar("audit_context", default=AuditContext())  # noqa: B039 (frozen)


def current() -> AuditContext:
    return _current.get()


@contextmanager
def audit_source(source: str, ip: str | None = None):
    token = _current.set(AuditContext(source=source, ip=ip))
    try:
        yield
    finally:
        _current.reset(token)
