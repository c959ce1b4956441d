from decimal import Decimal

from django import template

from spotcheck.catalog.presenters import ratio_percent

register = template.Library()


@register.filter
def percent(ratio: Decimal | None) -> str:
    """A ratio as a percentage: 0.050000 → 5%."""
    return "" if ratio is None else ratio_percent(ratio)
