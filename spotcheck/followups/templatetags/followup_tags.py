"""Filters of the 后续处置 pages: result codes in words."""

from django import template

from spotcheck.results.codes import ResultCode

register = template.Library()


@register.filter
def code_labels(codes) -> list[str]:
    """["A", "B"] → ["A 发现问题待后续处理", "B 未按规定公示应当公示的信息"] (an unknown code as it is)."""
    labels = dict(ResultCode.choices)
    return [f"{c} {labels[c]}" if c in labels else str(c) for c in codes or []]
