"""Every field of every bulk file, with its meaning, and the code lists they use (the data
dictionary, /public/data/dictionary/). The code lists are the code's own TextChoices, so the page
and the files never drift from what the platform stores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from spotcheck.bulkdata.models import BulkFile
from spotcheck.catalog.models import ItemVersion
from spotcheck.directory.models import InspectionObject
from spotcheck.draws.models import Task
from spotcheck.followups.models import FollowUp
from spotcheck.planning.models import AnnualPlan, PlanEntry
from spotcheck.results.codes import Method, NotCarriedOut, ResultCode
from spotcheck.results.models import VisitResult


@dataclass(frozen=True)
class CodeList:
    key: str
    title: Any
    choices: type[TextChoices]

    def codes(self) -> list[tuple[str, str]]:
        return [(str(value), str(label)) for value, label in self.choices.choices]


# The code lists, each under the key the fields name.
CODE_LISTS: dict[str, CodeList] = {
    c.key: c
    for c in (
        CodeList("result_code", _("检查结果"), ResultCode),
        CodeList("method", _("核查方式"), Method),
        CodeList("outcome", _("是否检查"), VisitResult.Outcome),
        CodeList("not_carried_out", _("未能检查的原因"), NotCarriedOut),
        CodeList("task_kind", _("抽查类型"), Task.Kind),
        CodeList("task_status", _("任务状态"), Task.Status),
        CodeList("object_kind", _("检查对象类型"), InspectionObject.Kind),
        CodeList("followup_kind", _("后续处置"), FollowUp.Kind),
        CodeList("followup_status", _("后续处置状态"), FollowUp.Status),
        CodeList("plan_kind", _("计划类型"), AnnualPlan.Kind),
        CodeList("entry_kind", _("计划条目的抽查类型"), PlanEntry.Kind),
        CodeList("item_category", _("事项类别"), ItemVersion.Category),
        CodeList("item_method", _("事项的检查方式"), ItemVersion.Method),
    )
}


@dataclass(frozen=True)
class Field:
    key: str
    meaning: Any
    # "text", "date" (YYYY-MM-DD), "datetime" (ISO 8601, +08:00), "integer", "boolean"
    # (CSV: true/false), "list" (CSV: values joined by ";"; JSON: an array), "decimal".
    type: str = "text"
    codes: str = ""  # the key of its code list in CODE_LISTS


F = Field
_DEPT = (F("department_code", _("部门代码")), F("department_name", _("部门名称")))

FIELDS: dict[str, tuple[Field, ...]] = {
    BulkFile.Kind.RESULTS: (
        F("result_id", _("公示记录编号（每个公示版本一个，稳定不变）"), "integer"),
        F("version", _("公示版本（1 为首次公示，更正后加一）"), "integer"),
        F("notice_id", _("检查结果公告编号（门户网址 /public/results/<编号>/）"), "integer"),
        F("notice_title", _("检查结果公告名称")),
        F("notice_year", _("公告年度"), "integer"),
        *_DEPT,
        F("plan_number", _("抽查计划编号")),
        F("plan_title", _("抽查计划名称")),
        F("task_code", _("任务编号")),
        F("task_title", _("任务名称")),
        F("task_kind", _("抽查类型（代码）"), codes="task_kind"),
        F("task_kind_label", _("抽查类型")),
        F("object_public_code", _("检查对象公开编码（门户网址 /public/enterprises/<编码>/）")),
        F("object_uscc", _("统一社会信用代码")),
        F("object_name", _("检查对象名称（个体工商户不公示经营者姓名）")),
        F("object_kind", _("检查对象类型（代码）"), codes="object_kind"),
        F("completed_on", _("抽查完成日期"), "date"),
        F("outcome", _("是否检查（代码）"), codes="outcome"),
        F("not_carried_out_reason", _("未能检查的原因（代码）"), codes="not_carried_out"),
        F("not_carried_out_reason_label", _("未能检查的原因")),
        F("item_code", _("事项编码（未能检查时为空）")),
        F("item_name", _("事项名称")),
        F("item_department_code", _("事项所属部门代码")),
        F("item_checked", _("是否检查该事项"), "boolean"),
        F("item_method", _("核查方式（代码）"), codes="method"),
        F("item_method_label", _("核查方式")),
        F("item_problem_found", _("是否发现问题"), "boolean"),
        F("item_result_codes", _("检查结果（代码）"), "list", "result_code"),
        F("item_result_labels", _("检查结果"), "list"),
        F("item_followup_kinds", _("后续处置（代码，每项一条）"), "list", "followup_kind"),
        F("item_followup_statuses", _("后续处置状态（代码，与上一字段逐条对应）"), "list", "followup_status"),
        F("published_at", _("公示时间"), "datetime"),
        F("due_on", _("公示期限"), "date"),
        F("on_time", _("是否按时公示"), "boolean"),
        F("correction_reason", _("更正说明（更正后的版本）")),
    ),
    BulkFile.Kind.TASKS: (
        F("task_code", _("任务编号")),
        F("task_title", _("任务名称")),
        F("task_kind", _("抽查类型（代码）"), codes="task_kind"),
        F("task_kind_label", _("抽查类型")),
        F("year", _("年度（检查开始日期所在年）"), "integer"),
        *_DEPT,
        F("participating_department_codes", _("参与部门代码"), "list"),
        F("item_codes", _("抽查事项编码"), "list"),
        F("item_names", _("抽查事项名称"), "list"),
        F("plan_number", _("抽查计划编号")),
        F("window_start", _("检查开始日期"), "date"),
        F("window_end", _("检查截止日期"), "date"),
        F("status", _("任务状态（代码）"), codes="task_status"),
        F("announced_at", _("任务公告时间"), "datetime"),
        F("pool_count", _("抽查对象库的对象数"), "integer"),
        F("strata", _("分层名称"), "list"),
        F("input_digest", _("抽取输入摘要（SHA-256）")),
        F("pool_digest", _("对象库摘要（SHA-256）")),
        F("commitment", _("服务器承诺值")),
        F("drawn_at", _("抽取时间"), "datetime"),
        F("list_published_at", _("抽取名单公布时间（公布前为空）"), "datetime"),
        F("server_secret", _("服务器密钥（名单公布后公开）")),
        F("seed", _("随机种子（名单公布后公开）")),
        F("target_count", _("抽中对象数（名单公布后公开）"), "integer"),
        F("replaces_task_code", _("本任务重新抽取的原任务编号")),
        F("record_path", _("抽取记录文件（门户网址，可用 verify_draw.py 验证）")),
    ),
    BulkFile.Kind.TARGETS: (
        F("task_code", _("任务编号")),
        F("year", _("年度（检查开始日期所在年）"), "integer"),
        *_DEPT,
        F("stratum", _("分层名称")),
        F("rank", _("抽取序号"), "integer"),
        F("object_public_code", _("检查对象公开编码")),
        F("object_name", _("检查对象名称（个体工商户不公示经营者姓名）")),
    ),
    BulkFile.Kind.PLANS: (
        F("plan_number", _("抽查计划编号")),
        F("plan_title", _("抽查计划名称")),
        F("plan_year", _("计划年度"), "integer"),
        F("plan_kind", _("计划类型（代码）"), codes="plan_kind"),
        F("department_code", _("部门代码（联合抽查计划为空）")),
        F("department_name", _("部门名称（联合抽查计划为联席办所在区划）")),
        F("published_at", _("公布时间"), "datetime"),
        F("revision", _("调整次数"), "integer"),
        F("entry_position", _("条目序号"), "integer"),
        F("entry_code", _("条目任务编号")),
        F("entry_name", _("条目任务名称")),
        F("entry_kind", _("抽查类型（代码）"), codes="entry_kind"),
        F("lead_department_code", _("发起部门代码")),
        F("participating_department_codes", _("参与部门代码"), "list"),
        F("item_codes", _("抽查事项编码"), "list"),
        F("window_start", _("开始日期"), "date"),
        F("window_end", _("结束日期"), "date"),
        F("stratum_names", _("分层名称"), "list"),
        F("stratum_ratios", _("各分层的抽取比例（0 到 1 之间的小数，与上一字段逐条对应）"), "list"),
    ),
    BulkFile.Kind.ITEMS: (
        F("item_code", _("事项编码")),
        *_DEPT,
        F("version", _("版本号"), "integer"),
        F("name", _("事项名称")),
        F("category", _("事项类别（代码）"), codes="item_category"),
        F("legal_basis", _("抽查依据")),
        F("implementing_body", _("实施主体")),
        F("scope_description", _("抽查对象说明")),
        F("default_ratio", _("默认抽查比例"), "decimal"),
        F("times_per_year", _("默认抽查频次（次/年）"), "integer"),
        F("methods", _("检查方式（代码）"), "list", "item_method"),
        F("joint_department_codes", _("联合抽查部门代码"), "list"),
        F("inspection_basis", _("检查依据")),
        F("inspection_content", _("检查内容")),
        F("published_at", _("公布时间"), "datetime"),
    ),
}

# The public record of one result as the portal keeps it (publication.public_record), which the
# results files flatten: documented field by field too.
RECORD_FIELDS: tuple[Field, ...] = (
    F("schema", _("记录格式版本"), "integer"),
    F("object.public_code", _("检查对象公开编码")),
    F("object.uscc", _("统一社会信用代码")),
    F("object.name", _("检查对象名称（个体工商户不公示经营者姓名）")),
    F("object.kind", _("检查对象类型（代码）"), codes="object_kind"),
    F("plan.number / plan.title / plan.year", _("抽查计划编号、名称、年度（无计划时为空）")),
    F("task.code / task.title", _("任务编号、任务名称")),
    F("task.kind", _("抽查类型（代码）"), codes="task_kind"),
    F("department.code / department.name", _("抽查机关")),
    F("completed_on", _("抽查完成日期"), "date"),
    F("outcome", _("是否检查（代码）"), codes="outcome"),
    F("not_carried_out_reason", _("未能检查的原因（代码）"), codes="not_carried_out"),
    F("items[].code / items[].name", _("事项编码、事项名称")),
    F("items[].department", _("事项所属部门（代码、名称）")),
    F("items[].checked", _("是否检查该事项"), "boolean"),
    F("items[].method", _("核查方式（代码）"), codes="method"),
    F("items[].problem_found", _("是否发现问题"), "boolean"),
    F("items[].codes", _("检查结果（代码）"), "list", "result_code"),
)

TYPE_LABELS = {
    "text": _("文本"),
    "date": _("日期（YYYY-MM-DD）"),
    "datetime": _("时间（ISO 8601，含时区）"),
    "integer": _("整数"),
    "boolean": _("是/否（CSV 中为 true/false）"),
    "list": _("列表（CSV 中以分号 ; 分隔，JSON 中为数组）"),
    "decimal": _("小数"),
}
