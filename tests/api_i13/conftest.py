"""Fixtures of the issue-13 API tests: a department system's token and the bearer header."""

import pytest

from spotcheck.accounts.api_tokens import api_token_issue


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.fixture
def scjg_system(scjg, scjg_admin):
    """市场监管's own system: a token acting as a department admin of 市场监管 (service account)."""
    return api_token_issue(actor=scjg_admin, name="市场监管 业务系统", department=scjg, role="dept_admin")


@pytest.fixture
def wsjk_system(wsjk, wsjk_admin):
    return api_token_issue(actor=wsjk_admin, name="卫健 业务系统", department=wsjk, role="dept_admin")
