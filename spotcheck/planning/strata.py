"""Strata of a plan entry (分层): which objects of the entry's pool a stratum holds, and at what
ratio they are drawn. Complaints, high risk and bad credit raise the ratio; good credit lowers it.

A stratum filter is a small JSON object; every key is optional, a missing or empty key does not
restrict, the values of one key are alternatives (OR) and the keys together must all hold (AND)::

    {"credit_levels": ["C", "D"], "risk_levels": ["high"],
     "flags": ["abnormal_list", "serious_violation", "key_supervision", "recent_penalty"],
     "penalty_within_days": 365}

``flags`` also read as alternatives: an object with any one of them belongs to the stratum.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from spotcheck.directory.models import InspectionObject, Penalty
from spotcheck.drawspec.engine import DrawInputError, check_canonical, parse_ratio

KEY_SUPERVISION_TAG = "key_supervision"
DEFAULT_PENALTY_DAYS = 365
MAX_PENALTY_DAYS = 3650

FLAGS: dict[str, Any] = {
    "abnormal_list": gettext_lazy("列入经营异常名录"),
    "serious_violation": gettext_lazy("列入严重违法失信名单"),
    "recent_penalty": gettext_lazy("近期受过行政处罚"),
    "key_supervision": gettext_lazy("重点监管对象"),
}
FILTER_KEYS = ("credit_levels", "risk_levels", "flags", "penalty_within_days")


def _choice_list(raw: Any, allowed: list[str], label: str) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str) or not isinstance(raw, list | tuple):
        raise ValidationError(_("%(label)s应为列表。") % {"label": label})
    unknown = [str(v) for v in raw if v not in allowed]
    if unknown:
        raise ValidationError(
            _("%(label)s中“%(values)s”无效，可选：%(allowed)s。")
            % {"label": label, "values": "”“".join(unknown), "allowed": pgettext("list separator", "、").join(allowed)}
        )
    return [v for v in allowed if v in raw]


def validate_stratum_filter(raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check a stratum filter and return its canonical form (known keys, values in a fixed order,
    empty keys dropped); raise a ValidationError in Chinese naming the key."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ValidationError(_("分层条件应为一个 JSON 对象。"))
    unknown = [k for k in raw if k not in FILTER_KEYS]
    if unknown:
        raise ValidationError(
            _("分层条件含有未知的条件“%(keys)s”，可用的条件为：%(allowed)s。")
            % {"keys": "”“".join(map(str, unknown)), "allowed": pgettext("list separator", "、").join(FILTER_KEYS)}
        )
    clean: dict[str, Any] = {}
    credit = _choice_list(raw.get("credit_levels"), InspectionObject.CreditLevel.values, _("信用等级"))
    risk = _choice_list(raw.get("risk_levels"), InspectionObject.RiskLevel.values, _("风险等级"))
    flags = _choice_list(raw.get("flags"), list(FLAGS), _("监管标记"))
    if credit:
        clean["credit_levels"] = credit
    if risk:
        clean["risk_levels"] = risk
    if flags:
        clean["flags"] = flags
    days = raw.get("penalty_within_days")
    if days is not None:
        if "recent_penalty" not in flags:
            raise ValidationError(_("只有选择“近期受过行政处罚”时才能填写处罚期限。"))
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_PENALTY_DAYS:
            raise ValidationError(_("处罚期限应为 1 到 %(max)s 之间的天数。") % {"max": MAX_PENALTY_DAYS})
        clean["penalty_within_days"] = days
    elif "recent_penalty" in flags:
        clean["penalty_within_days"] = DEFAULT_PENALTY_DAYS
    return clean


def validate_stratum_name(value: Any) -> str:
    """The name goes into the draw record as it is: it must be canonical, never repaired."""
    if isinstance(value, str) and len(value) > 100:
        raise ValidationError(_("分层名称最多 100 个字符。"))
    try:
        return check_canonical(value, _("分层名称"))
    except DrawInputError as exc:
        raise ValidationError(str(exc)) from None


def validate_ratio(value: Any) -> str:
    """A ratio as the draw engine reads it: a decimal string between 0 and 1 (``"0.05"``, ``"1"``)."""
    text = str(value) if value is not None and not isinstance(value, float) else value
    try:
        parse_ratio(text)
    except DrawInputError as exc:
        raise ValidationError(str(exc)) from None
    return text


def default_credit_strata() -> list[dict[str, Any]]:
    """The demo bands of the credit classification in use: A ≤ 5%, B 5–20%, C 21–60%, D 61–100%,
    each drawn at the top of its band."""
    return [
        {"name": "A类（信用风险低）", "filter": {"credit_levels": ["A"]}, "ratio": "0.05"},
        {"name": "B类（信用风险一般）", "filter": {"credit_levels": ["B"]}, "ratio": "0.2"},
        {"name": "C类（信用风险较高）", "filter": {"credit_levels": ["C"]}, "ratio": "0.6"},
        {"name": "D类（信用风险高）", "filter": {"credit_levels": ["D"]}, "ratio": "1"},
    ]


def stratum_condition(clean: Mapping[str, Any], today: dt.date) -> Q:
    """The filter (already validated) as a condition on InspectionObject."""
    condition = Q()
    if credit := clean.get("credit_levels"):
        condition &= Q(credit_level__in=credit)
    if risk := clean.get("risk_levels"):
        condition &= Q(risk_level__in=risk)
    if flags := clean.get("flags"):
        any_flag = Q(pk__in=[])
        if "abnormal_list" in flags:
            any_flag |= Q(in_abnormal_list=True)
        if "serious_violation" in flags:
            any_flag |= Q(in_serious_violation_list=True)
        if "key_supervision" in flags:
            through = InspectionObject.tags.through
            any_flag |= Q(
                Exists(through.objects.filter(inspectionobject_id=OuterRef("pk"), tag__code=KEY_SUPERVISION_TAG))
            )
        if "recent_penalty" in flags:
            since = today - dt.timedelta(days=clean.get("penalty_within_days", DEFAULT_PENALTY_DAYS))
            any_flag |= Q(Exists(Penalty.objects.filter(inspection_object_id=OuterRef("pk"), decided_on__gte=since)))
        condition &= any_flag
    return condition


def apply_stratum_filter(
    queryset: QuerySet[InspectionObject], raw: Mapping[str, Any] | None, today: dt.date
) -> QuerySet[InspectionObject]:
    return queryset.filter(stratum_condition(validate_stratum_filter(raw), today))


def describe_stratum_filter(clean: Mapping[str, Any] | None) -> list[str]:
    """The filter in words, one phrase per key (an empty filter: every object of the pool)."""
    clean = clean or {}
    sep = pgettext("list separator", "、")
    parts: list[str] = []
    if credit := clean.get("credit_levels"):
        labels = dict(InspectionObject.CreditLevel.choices)
        parts.append(_("信用等级：%(v)s") % {"v": sep.join(str(labels.get(c, c)) for c in credit)})
    if risk := clean.get("risk_levels"):
        labels = dict(InspectionObject.RiskLevel.choices)
        parts.append(_("风险等级：%(v)s") % {"v": sep.join(str(labels.get(r, r)) for r in risk)})
    if flags := clean.get("flags"):
        words = [str(FLAGS.get(f, f)) for f in flags]
        if "recent_penalty" in flags:
            words[flags.index("recent_penalty")] = _("%(days)s 天内受过行政处罚") % {
                "days": clean.get("penalty_within_days", DEFAULT_PENALTY_DAYS)
            }
        parts.append(_("任一标记：%(v)s") % {"v": sep.join(words)})
    return parts or [_("不限（范围内全部对象）")]
