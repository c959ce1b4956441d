"""The national result vocabulary (RULES.md, "The result"): 核查方式, 检查结果 codes, and the
reasons a visit could not take place. One home for the codes and the rules between them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    """核查方式, numbered as the national publicity system numbers them."""

    SITE = "1", _("实地核查")
    WRITTEN = "2", _("书面检查")
    ADOPTED = "3", _("采用部门结果/专业意见")
    TESTING = "4", _("检验检测")
    ONLINE = "5", _("网络监测")
    COMMISSIONED = "6", _("委托专业机构")


# The methods that name the department or institution whose conclusion is adopted.
METHODS_NAMING_SOURCE = frozenset({Method.ADOPTED, Method.COMMISSIONED})
# Checked without going through the door (书面/网络/数据): recorded as such, and not counted as an
# on-site inspection (the yearly cap, the statistics).
OFF_SITE_METHODS = frozenset({Method.WRITTEN, Method.ADOPTED, Method.ONLINE})


class ResultCode(models.TextChoices):
    """检查结果 codes of the provincial system that feeds the national one."""

    NO_PROBLEM = "1", _("未发现问题")
    PROBLEM_PENDING = "A", _("发现问题待后续处理")
    NOT_DISCLOSED = "B", _("未按规定公示应当公示的信息")
    FALSE_DISCLOSURE = "C", _("公示信息隐瞒真实情况、弄虚作假")
    UNREACHABLE = "6", _("通过登记的住所（经营场所）无法联系")
    OTHER_PROBLEM = "D", _("其他")
    CORRECTED = "E", _("发现问题已责令改正 / 经责令已改正")
    NO_ACTIVITY = "F", _("未发现开展本次抽查涉及的经营活动")
    CLOSED = "7", _("已关闭停业或正在组织清算")
    OBSTRUCTED = "8", _("不配合检查情节严重")
    DEREGISTERED = "9", _("已注销")
    LICENCE_REVOKED = "10", _("已被吊销营业执照")
    REGISTRATION_WITHDRAWN = "11", _("已被撤销")
    MOVED_OUT = "12", _("已迁出")


# The details of "A 发现问题待后续处理".
PROBLEM_DETAILS = frozenset(
    {ResultCode.NOT_DISCLOSED, ResultCode.FALSE_DISCLOSURE, ResultCode.UNREACHABLE, ResultCode.OTHER_PROBLEM}
)
# A problem was found: the result opens a follow-up and enters the object's risk history.
PROBLEM_CODES = frozenset({ResultCode.PROBLEM_PENDING, *PROBLEM_DETAILS, ResultCode.CORRECTED, ResultCode.OBSTRUCTED})

# Codes 9–12 come from the object's registration status (directory.InspectionObject.Status) and
# are offered only when it holds. 11 (撤销登记) has no status of its own in the directory yet, so
# it is never offered.
STATUS_CODES = {
    "cancelled": ResultCode.DEREGISTERED,
    "revoked": ResultCode.LICENCE_REVOKED,
    "moved_out": ResultCode.MOVED_OUT,
}
CODES_FROM_STATUS = frozenset(
    {ResultCode.DEREGISTERED, ResultCode.LICENCE_REVOKED, ResultCode.REGISTRATION_WITHDRAWN, ResultCode.MOVED_OUT}
)


def codes_for_status(object_status: str) -> list[ResultCode]:
    """The codes a result may carry for an object of ``object_status``: every code but 9–12,
    plus the one the status supports."""
    codes = [c for c in ResultCode if c not in CODES_FROM_STATUS]
    if object_status in STATUS_CODES:
        codes.append(STATUS_CODES[object_status])
    return codes


def code_errors(codes: Iterable[str], object_status: str) -> list[str]:
    """What is wrong with a set of codes on one item, as messages (empty when it holds)."""
    chosen = set(codes)
    errors: list[str] = []
    unknown = chosen - set(ResultCode.values)
    if unknown:
        errors.append(str(_("未知的检查结果代码：%(codes)s。")) % {"codes": "、".join(sorted(unknown))})
        return errors
    if not chosen:
        errors.append(str(_("请选择检查结果。")))
    if ResultCode.NO_PROBLEM in chosen and len(chosen) > 1:
        errors.append(str(_("“未发现问题”不能与其他检查结果同时选择。")))
    offered = set(codes_for_status(object_status))
    for code in sorted(chosen & CODES_FROM_STATUS - offered):
        errors.append(
            str(_("检查对象的登记状态不支持“%(code)s %(label)s”。")) % {"code": code, "label": ResultCode(code).label}
        )
    return errors


def has_problem(codes: Iterable[str]) -> bool:
    return bool(set(codes) & PROBLEM_CODES)


class NotCarriedOut(models.TextChoices):
    """Why a visit could not take place (the task is still complete: RULES item 12)."""

    UNREACHABLE = "unreachable", _("无法联系")
    DEREGISTERED = "deregistered", _("已注销")
    LICENCE_REVOKED = "revoked", _("已被吊销")
    MOVED_OUT = "moved_out", _("已迁出")
    CLOSED = "closed", _("已关闭停业")
    OTHER = "other", _("其他原因")
