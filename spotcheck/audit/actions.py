"""The one registry of audit action codes and their names as a person reads them.

The trail stores codes (``draws.task.draw``: stable, machine-readable, hashed into the chain);
pages show these labels. Every code written anywhere must be here
(tests/audit/test_audit_page_chinese.py scans the source). This app sits below the others and
imports none of them, so the codes are spelled out; an app may add its own with ``register``.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Groups by the code's first part, in the order the filter lists them.
GROUP_LABELS: dict[str, Promise] = {
    "auth": _("登录与安全"),
    "accounts": _("用户与部门"),
    "catalog": _("抽查事项清单"),
    "planning": _("年度抽查计划"),
    "draws": _("抽查任务与抽取"),
    "inspections": _("联合检查"),
    "directory": _("检查对象名录"),
    "inspectors": _("执法检查人员"),
    "imports": _("导入与导出"),
    "demo": _("演示数据"),
    "workdays": _("工作日历"),
    # i13-evidence
    "evidence": _("证据材料"),
    # i13-deadlines
    "deadlines": _("期限与提醒"),
    "notices": _("站内提醒"),
    # results (i13-results)
    "results": _("检查结果"),
    # 后续处置 (issue 13, item 9; i13-followups)
    "followups": _("后续处置"),
    "replies": _("企业说明与投诉答复"),  # voice14
}

ACTION_LABELS: dict[str, Promise] = {
    # auth
    "auth.login": pgettext_lazy("audit action", "登录"),
    "auth.logout": pgettext_lazy("audit action", "退出登录"),
    "auth.lockout": pgettext_lazy("audit action", "锁定登录"),
    "auth.lockout_lifted": pgettext_lazy("audit action", "解除登录锁定"),
    # accounts
    "accounts.user.create": pgettext_lazy("audit action", "新建用户"),
    "accounts.user.update": pgettext_lazy("audit action", "修改用户"),
    "accounts.user.set_password": pgettext_lazy("audit action", "重设密码"),
    "accounts.department.create": pgettext_lazy("audit action", "新建部门"),
    "accounts.department.update": pgettext_lazy("audit action", "修改部门"),
    "accounts.region.create": pgettext_lazy("audit action", "新建行政区划"),
    "accounts.region.update": pgettext_lazy("audit action", "修改行政区划"),
    "accounts.membership.create": pgettext_lazy("audit action", "授予部门角色"),
    "accounts.membership.update": pgettext_lazy("audit action", "修改部门角色"),
    "accounts.apitoken.issue": pgettext_lazy("audit action", "签发接口令牌"),
    "accounts.apitoken.revoke": pgettext_lazy("audit action", "吊销接口令牌"),
    # catalog
    "catalog.item.create": pgettext_lazy("audit action", "新建抽查事项"),
    "catalog.item.retire": pgettext_lazy("audit action", "停用抽查事项"),
    "catalog.item.restore": pgettext_lazy("audit action", "恢复抽查事项"),
    "catalog.item.publish": pgettext_lazy("audit action", "公布抽查事项"),
    "catalog.version.create": pgettext_lazy("audit action", "新建事项版本"),
    "catalog.version.update": pgettext_lazy("audit action", "修改事项版本"),
    "catalog.version.submit": pgettext_lazy("audit action", "提交事项备案"),
    "catalog.version.accept": pgettext_lazy("audit action", "接收事项备案"),
    "catalog.version.return": pgettext_lazy("audit action", "退回事项备案"),
    "catalog.version.supersede": pgettext_lazy("audit action", "事项版本被新版本取代"),
    # planning
    "planning.plan.create": pgettext_lazy("audit action", "新建年度计划"),
    "planning.plan.update": pgettext_lazy("audit action", "修改年度计划"),
    "planning.plan.retire": pgettext_lazy("audit action", "停用年度计划"),
    "planning.plan.submit": pgettext_lazy("audit action", "提交年度计划审核"),
    "planning.plan.approve": pgettext_lazy("audit action", "审核通过年度计划"),
    "planning.plan.return": pgettext_lazy("audit action", "退回年度计划"),
    "planning.plan.file": pgettext_lazy("audit action", "备案年度计划"),
    "planning.plan.publish": pgettext_lazy("audit action", "公布年度计划"),
    "planning.entry.create": pgettext_lazy("audit action", "新建计划条目"),
    "planning.entry.update": pgettext_lazy("audit action", "修改计划条目"),
    "planning.entry.delete": pgettext_lazy("audit action", "删除计划条目"),
    "planning.entry.retire": pgettext_lazy("audit action", "停用计划条目"),
    "planning.stratum.create": pgettext_lazy("audit action", "新建抽取分层"),
    "planning.stratum.update": pgettext_lazy("audit action", "修改抽取分层"),
    "planning.stratum.delete": pgettext_lazy("audit action", "删除抽取分层"),
    "planning.stratum.retire": pgettext_lazy("audit action", "停用抽取分层"),
    # draws
    "draws.task.create": pgettext_lazy("audit action", "新建抽查任务"),
    "draws.task.update": pgettext_lazy("audit action", "修改抽查任务"),
    "draws.task.freeze": pgettext_lazy("audit action", "冻结对象库"),
    "draws.task.unfreeze": pgettext_lazy("audit action", "解除冻结"),
    "draws.task.announce": pgettext_lazy("audit action", "发布任务公告"),
    "draws.witness.add": pgettext_lazy("audit action", "见证人输入"),
    "draws.task.draw": pgettext_lazy("audit action", "抽取"),
    "draws.task.match_failed": pgettext_lazy("audit action", "匹配执法人员失败"),
    "draws.task.cancel": pgettext_lazy("audit action", "取消抽查任务"),
    "draws.task.publish_list": pgettext_lazy("audit action", "公布抽取名单"),
    "draws.task.redraw_approve": pgettext_lazy("audit action", "批准重新抽取"),
    "draws.task.redraw_refuse": pgettext_lazy("audit action", "驳回重新抽取"),
    "draws.record.download": pgettext_lazy("audit action", "下载抽取记录"),
    "draws.ceremony_job.request": pgettext_lazy("audit action", "提交后台执行的抽取步骤"),
    "draws.frequency_rule.set": pgettext_lazy("audit action", "设置抽查频次上限"),
    # inspections
    "inspections.merged_visit.confirm": pgettext_lazy("audit action", "确认合并检查"),
    "inspections.merged_visit.extend": pgettext_lazy("audit action", "扩大合并检查"),
    "inspections.merged_visit.dissolve": pgettext_lazy("audit action", "解散合并检查"),
    "inspections.merge_proposal.decline": pgettext_lazy("audit action", "不采纳合并建议"),
    # inspections: 审批 (issue 13, item 2)
    "inspections.visit.approve": pgettext_lazy("audit action", "审批检查"),
    "inspections.visit.emergency_start": pgettext_lazy("audit action", "登记紧急先行检查"),
    "inspections.visit.approval_withdraw": pgettext_lazy("audit action", "撤回检查审批"),
    # directory
    "directory.object.create": pgettext_lazy("audit action", "录入检查对象"),
    "directory.object.update": pgettext_lazy("audit action", "修改检查对象"),
    "directory.object.level": pgettext_lazy("audit action", "调整检查对象等级"),
    "directory.object.retire": pgettext_lazy("audit action", "停用检查对象"),
    "directory.object.restore": pgettext_lazy("audit action", "恢复检查对象"),
    "directory.object.licences": pgettext_lazy("audit action", "更新检查对象许可证清单"),
    "directory.licence.add": pgettext_lazy("audit action", "登记许可证"),
    "directory.licence.retire": pgettext_lazy("audit action", "注销许可证"),
    "directory.penalty.record": pgettext_lazy("audit action", "登记行政处罚"),
    # inspectors
    "inspectors.inspector.create": pgettext_lazy("audit action", "登记执法检查人员"),
    "inspectors.inspector.update": pgettext_lazy("audit action", "修改执法检查人员"),
    "inspectors.inspector.retire": pgettext_lazy("audit action", "停用执法检查人员"),
    "inspectors.inspector.restore": pgettext_lazy("audit action", "恢复执法检查人员"),
    "inspectors.inspector.availability": pgettext_lazy("audit action", "变更执法检查人员在岗状态"),
    "inspectors.recusal.create": pgettext_lazy("audit action", "登记回避关系"),
    "inspectors.recusal.end": pgettext_lazy("audit action", "结束回避关系"),
    "inspectors.recusal.view": pgettext_lazy("audit action", "查看回避关系"),
    # imports (one per kind of file: objects, inspectors, items)
    "imports.objects.import": pgettext_lazy("audit action", "导入检查对象"),
    "imports.inspectors.import": pgettext_lazy("audit action", "导入执法检查人员"),
    "imports.items.import": pgettext_lazy("audit action", "导入抽查事项"),
    "imports.objects.reject": pgettext_lazy("audit action", "检查对象导入文件有错误未导入"),
    "imports.inspectors.reject": pgettext_lazy("audit action", "执法检查人员导入文件有错误未导入"),
    "imports.items.reject": pgettext_lazy("audit action", "抽查事项导入文件有错误未导入"),
    "imports.objects.export": pgettext_lazy("audit action", "导出检查对象"),
    "imports.inspectors.export": pgettext_lazy("audit action", "导出执法检查人员"),
    "imports.items.export": pgettext_lazy("audit action", "导出抽查事项"),
    "imports.objects.export_download": pgettext_lazy("audit action", "下载导出的检查对象"),
    "imports.inspectors.export_download": pgettext_lazy("audit action", "下载导出的执法检查人员"),
    "imports.items.export_download": pgettext_lazy("audit action", "下载导出的抽查事项"),
    "imports.visits.export": pgettext_lazy("audit action", "导出抽查任务的检查名单"),
    "imports.file.purge": pgettext_lazy("audit action", "清除导入文件"),
    "imports.export_file.purge": pgettext_lazy("audit action", "清除导出文件"),
    # workdays
    "workdays.year.load": pgettext_lazy("audit action", "录入节假日安排"),
    # demo
    "demo.load": pgettext_lazy("audit action", "载入演示数据"),
    # 证据材料 (i13-evidence)
    "evidence.file.upload": pgettext_lazy("audit action", "上传证据材料"),
    "evidence.file.withdraw": pgettext_lazy("audit action", "撤回证据材料"),
    # i13-deadlines: 期限看板, 提醒 (issue 13, item 10)
    "deadlines.publication.recompute": pgettext_lazy("audit action", "重新计算公示期限"),
    "deadlines.reminders.send": pgettext_lazy("audit action", "发送期限提醒"),
    "notices.notice.read": pgettext_lazy("audit action", "阅读提醒"),
    "notices.notice.read_all": pgettext_lazy("audit action", "全部提醒标为已读"),
    # inspections: 检查码, 到场登记, 企业评价/投诉 (issue 13, item 3; i13-code)
    "inspections.visit.check_in": pgettext_lazy("audit action", "登记到场"),
    "inspections.visit.feedback": pgettext_lazy("audit action", "企业提交评价/投诉"),
    # results (issue 13, items 5, 7, 8; i13-results)
    "results.result.enter": pgettext_lazy("audit action", "录入检查结果"),
    "results.result.save": pgettext_lazy("audit action", "修改检查结果"),
    "results.result.correct": pgettext_lazy("audit action", "更正检查结果"),
    "results.result.confirm": pgettext_lazy("audit action", "确认检查结果"),
    "results.result.complete": pgettext_lazy("audit action", "检查结果确认完成"),
    "results.result.approve": pgettext_lazy("audit action", "审批检查结果"),
    # draws: 无事不扰, the on-site cap per body (i13-onsite, issue 13 item 11)
    "draws.onsite_cap.set": pgettext_lazy("audit action", "设置部门现场检查年度上限"),
    "draws.onsite.record": pgettext_lazy("audit action", "记录现场检查"),
    "draws.onsite.over_cap": pgettext_lazy("audit action", "超上限现场检查"),
    "draws.onsite.withdraw": pgettext_lazy("audit action", "撤回现场检查记录"),
    "draws.onsite.review": pgettext_lazy("audit action", "已阅超上限现场检查"),
    # 后续处置 and 风险记录 (issue 13, item 9; i13-followups)
    "followups.followup.open": pgettext_lazy("audit action", "登记后续处置"),
    "followups.followup.close": pgettext_lazy("audit action", "后续处置完结"),
    "followups.followup.withdraw": pgettext_lazy("audit action", "撤回后续处置"),
    "followups.followup.update": pgettext_lazy("audit action", "复查后更新后续处置"),
    "followups.recheck.record": pgettext_lazy("audit action", "登记复查结果"),
    "followups.notice.read": pgettext_lazy("audit action", "抄告标记已阅"),
    "followups.notice.handled": pgettext_lazy("audit action", "抄告标记已处理"),
    "directory.finding.record": pgettext_lazy("audit action", "记入风险记录"),
    "directory.finding.update": pgettext_lazy("audit action", "更新风险记录"),
    "directory.finding.retire": pgettext_lazy("audit action", "撤销风险记录"),
    # pub14: 检查结果公示 (issue 14, item 1)
    "publication.results.publish": pgettext_lazy("audit action", "公示检查结果"),
    "publication.result.correct": pgettext_lazy("audit action", "公示检查结果更正"),
    "publication.result.withdraw": pgettext_lazy("audit action", "撤下已公示的检查结果"),
    # voice14: 企业说明/异议, 投诉答复 (issue 14, item 4)
    "replies.reply.submit": pgettext_lazy("audit action", "企业提交说明/异议"),
    "replies.reply.accept": pgettext_lazy("audit action", "采纳企业说明/异议"),
    "replies.reply.reject": pgettext_lazy("audit action", "不予采纳企业说明/异议"),
    "replies.complaint.answer": pgettext_lazy("audit action", "答复企业投诉"),
    "replies.complaint.notify": pgettext_lazy("audit action", "提醒审核人答复企业投诉"),  # gaps14
}

# Target types that are no model (the rest are named by their model's verbose name).
TARGET_KIND_LABELS: dict[str, Promise] = {
    "imports.export": _("导出文件"),
}


def register(code: str, label: Promise) -> None:
    """Add an action code (an app's ``AppConfig.ready``); a code has one label."""
    if code in ACTION_LABELS and ACTION_LABELS[code] != label:
        raise ValueError(f"audit action {code!r} already has a label")
    ACTION_LABELS[code] = label


def action_label(code: str) -> str:
    """The readable name of ``code``; an unknown code (an old entry) reads as itself."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


def group_of(code: str) -> str:
    return code.split(".", 1)[0]


def action_choices() -> list[tuple[object, object]]:
    """The filter's choices: per group, the whole group first, then its actions."""
    grouped: dict[str, list[tuple[str, str]]] = {group: [] for group in GROUP_LABELS}
    for code, label in ACTION_LABELS.items():
        grouped.setdefault(group_of(code), []).append((code, str(label)))
    choices: list[tuple[object, object]] = []
    for group, actions in grouped.items():
        if not actions:
            continue
        name = str(GROUP_LABELS.get(group, group))
        all_of = _("全部：%(group)s") % {"group": name}
        choices.append((name, [(group, all_of), *actions]))
    return choices
