from decimal import Decimal, InvalidOperation

from django import template

from spotcheck.catalog.presenters import ratio_percent

register = template.Library()


@register.filter
def ratio_as_percent(ratio: str) -> str:
    """A stratum's ratio string as a percentage: "0.05" → 5%, "1" → 100%."""
    try:
        return ratio_percent(Decimal(ratio))
    except (InvalidOperation, TypeError):
        return ratio or ""
