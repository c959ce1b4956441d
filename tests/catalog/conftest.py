"""Items of 市场监管: one only drafted, one published."""

import pytest

from tests.factories import make_item, publish


@pytest.fixture
def draft_item(scjg_admin, scjg):
    """市场监管's item with only a draft: invisible to other departments."""
    return make_item(actor=scjg_admin, department=scjg, code="SCJG-DRAFT", name="仅草稿事项")


@pytest.fixture
def published_item(scjg_admin, coordinator, scjg):
    """市场监管's item whose v1 is filed and published, with every guideline field filled."""
    item = make_item(
        actor=scjg_admin,
        department=scjg,
        code="SCJG-PUB",
        name="食品经营监督检查",
        inspection_basis="《食品经营许可和备案管理办法》",
        inspection_procedure="亮证告知、现场检查、制作笔录",
        approval_authority="分管局领导审批",
        disclosure_procedure="20 个工作日内公示",
        archiving_method="一户一档",
        scope={"tags": ["catering"]},
    )
    publish(item, actor=scjg_admin, coordinator=coordinator)
    item.refresh_from_db()
    return item
