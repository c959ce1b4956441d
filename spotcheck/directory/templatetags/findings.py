"""``{% object_findings obj %}``: the object page's 风险记录 — problems found on it, from every
department (互认), a retired entry shown struck through with its reason."""

from django import template

from spotcheck.directory.findings import OBJECT_FINDINGS_SHOWN
from spotcheck.directory.findings import object_findings as findings_of
from spotcheck.directory.models import InspectionObject

register = template.Library()


@register.inclusion_tag("directory/_object_findings.html")
def object_findings(obj: InspectionObject) -> dict:
    rows = list(findings_of(obj)[: OBJECT_FINDINGS_SHOWN + 1])
    return {"rows": rows[:OBJECT_FINDINGS_SHOWN], "capped": len(rows) > OBJECT_FINDINGS_SHOWN}
