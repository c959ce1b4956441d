"""The item list (一单): items are made and filed through the services, as a department would."""

from decimal import Decimal

from spotcheck.catalog import services


def item_kwargs(**overrides):
    """Valid arguments of services.item_create (actor and department excluded)."""
    data = {
        "code": "SCJG-001",
        "name": "食品经营者食品安全监督检查",
        "legal_basis": "《中华人民共和国食品安全法》第一百一十条",
        "implementing_body": "溧阳市市场监督管理局",
        "default_ratio": Decimal("0.05"),
        "methods": ["on_site"],
        "category": "general",
        "inspection_content": "经营条件、进货查验、贮存条件",
        "checklist": [
            {"text": "是否取得有效的食品经营许可证", "basis": "《食品安全法》第三十五条"},
            {"text": "是否建立进货查验记录制度", "basis": ""},
        ],
    }
    data.update(overrides)
    return data


def make_item(*, actor, department, **overrides):
    """A new item with its draft v1."""
    return services.item_create(actor=actor, department=department, **item_kwargs(**overrides))


def publish(item, *, actor, coordinator):
    """File and accept the item's open version; returns it (now current)."""
    version = item.versions.get(status__in=["draft", "returned"])
    services.version_submit(actor=actor, version=version)
    return services.version_accept(actor=coordinator, version=version)


def published_item(*, actor, coordinator, department, code):
    """An item whose v1 is filed and published, fresh from the database."""
    item = make_item(actor=actor, department=department, code=code, name=f"{code} 监督检查")
    publish(item, actor=actor, coordinator=coordinator)
    item.refresh_from_db()
    return item
