"""The shapes the open data API answers with. The portal's selectors build each row (and decide
what is public); these serializers document the rows in the schema and render them — a field
not declared here does not leave the platform even if a selector were to add one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class Coded(serializers.Serializer):
    code = serializers.CharField(help_text=_("代码（见 /codes/）"))
    label = serializers.CharField(help_text=_("名称（按请求的语言）"))


class DepartmentRef(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class RegionRef(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ChecklistQuestion(serializers.Serializer):
    text = serializers.CharField(help_text=_("检查内容"))
    basis = serializers.CharField(help_text=_("检查依据"))


class Item(serializers.Serializer):
    code = serializers.CharField(help_text=_("事项编码：与 version 一起是版本的稳定编号"))
    version = serializers.IntegerField(help_text=_("版本号"))
    current = serializers.BooleanField(help_text=_("是否现行版本"))
    name = serializers.CharField()
    department = DepartmentRef()
    category = Coded()
    sub_items = serializers.ListField(child=serializers.CharField())
    legal_basis = serializers.CharField(help_text=_("抽查依据"))
    implementing_body = serializers.CharField(help_text=_("实施主体"))
    scope_description = serializers.CharField(help_text=_("抽查对象说明"))
    default_ratio = serializers.CharField(help_text=_("默认抽查比例，0 到 1 的小数"))
    times_per_year = serializers.IntegerField(help_text=_("默认抽查频次（次/年）"))
    methods = Coded(many=True)
    joint_departments = DepartmentRef(many=True)
    inspection_basis = serializers.CharField(help_text=_("检查依据"))
    inspection_content = serializers.CharField(help_text=_("检查内容"))
    inspection_procedure = serializers.CharField(help_text=_("检查流程"))
    approval_authority = serializers.CharField(help_text=_("审批权限"))
    disclosure_procedure = serializers.CharField(help_text=_("公示程序"))
    archiving_method = serializers.CharField(help_text=_("归档方式"))
    checklist = ChecklistQuestion(many=True, help_text=_("检查表"))
    published_at = serializers.DateTimeField()
    retired_at = serializers.DateTimeField(allow_null=True, help_text=_("事项停用时间"))


class PlanEntry(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = Coded()
    lead_department = DepartmentRef()
    participating_departments = DepartmentRef(many=True)
    items = serializers.ListField(child=serializers.CharField(), help_text=_("事项编码"))
    window_start = serializers.DateField()
    window_end = serializers.DateField()


class PlanEvent(serializers.Serializer):
    action = Coded()
    reason = serializers.CharField()
    at = serializers.DateTimeField()


class Plan(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("计划的稳定编号"))
    year = serializers.IntegerField()
    kind = Coded()
    title = serializers.CharField()
    department = DepartmentRef(allow_null=True, help_text=_("联合抽查计划为空"))
    region = RegionRef()
    revision = serializers.IntegerField(help_text=_("调整次数"))
    published_at = serializers.DateTimeField()


class PlanDetail(Plan):
    entries = PlanEntry(many=True)
    history = PlanEvent(many=True)


class Task(serializers.Serializer):
    code = serializers.CharField(help_text=_("任务编号：任务的稳定编号"))
    title = serializers.CharField()
    kind = Coded()
    lead_department = DepartmentRef()
    participating_departments = DepartmentRef(many=True)
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    announced_at = serializers.DateTimeField()
    drawn_at = serializers.DateTimeField(allow_null=True)
    list_published_at = serializers.DateTimeField(allow_null=True, help_text=_("抽取名单公布时间"))
    cancelled_at = serializers.DateTimeField(allow_null=True)
    cancelled_reason = serializers.CharField()
    replaces = serializers.CharField(allow_null=True, help_text=_("本任务重新抽取的、已取消的任务编号"))
    commitment = serializers.CharField(help_text=_("服务器承诺值"))
    url = serializers.URLField(help_text=_("本任务在开放数据 API 中的地址"))
    record_url = serializers.URLField(help_text=_("抽取记录（JSON）的地址"))


class Stratum(serializers.Serializer):
    name = serializers.CharField()
    count = serializers.IntegerField()
    digest = serializers.CharField()
    ratio = serializers.CharField()
    minimum = serializers.IntegerField(allow_null=True)
    maximum = serializers.IntegerField(allow_null=True)
    sample_size = serializers.IntegerField()


class TaskItem(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    name = serializers.CharField()


class WitnessInput(serializers.Serializer):
    position = serializers.IntegerField()
    value = serializers.CharField()
    department = DepartmentRef()


class TaskDetail(Task):
    items = TaskItem(many=True)
    strata = Stratum(many=True)
    input_digest = serializers.CharField()
    pool_digest = serializers.CharField()
    list_public = serializers.BooleanField(help_text=_("抽取名单与完整抽取记录是否已公布"))
    server_secret = serializers.CharField(help_text=_("抽取后公布的服务器密钥"))
    seed = serializers.CharField(help_text=_("抽取后公布的随机种子"))
    witness_inputs = WitnessInput(many=True, help_text=_("见证人输入（不含姓名）"))
    replaced_by = serializers.ListField(child=serializers.CharField(), help_text=_("重新抽取本任务的任务编号"))


class ResultItem(serializers.Serializer):
    code = serializers.CharField(help_text=_("事项编码"))
    name = serializers.CharField()
    department = DepartmentRef()
    checked = serializers.BooleanField()
    method = Coded(allow_null=True)
    problem_found = serializers.BooleanField()
    results = Coded(many=True)


class ResultObject(serializers.Serializer):
    public_code = serializers.CharField(help_text=_("检查对象的稳定公开编号"))
    uscc = serializers.CharField()
    name = serializers.CharField(help_text=_("公示名称；个体工商户不含经营者姓名"))
    kind = Coded()


class ResultPlan(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    year = serializers.IntegerField()


class ResultTask(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    kind = Coded()


class FollowUp(serializers.Serializer):
    kind = Coded()
    status = Coded()
    closed_on = serializers.DateField(allow_null=True)


class Result(serializers.Serializer):
    notice_id = serializers.IntegerField(help_text=_("检查结果公告编号"))
    notice_title = serializers.CharField()
    version = serializers.IntegerField(help_text=_("公示版本：更正一次加一"))
    state = Coded()
    object = ResultObject()
    plan = ResultPlan(allow_null=True)
    task = ResultTask()
    department = DepartmentRef(help_text=_("抽查机关"))
    completed_on = serializers.DateField()
    outcome = Coded(allow_null=True, help_text=_("已撤下的结果为空"))
    not_carried_out_reason = Coded(allow_null=True)
    items = ResultItem(many=True, help_text=_("已撤下的结果为空"))
    followups = FollowUp(many=True, help_text=_("后续处置（公示中的结果）"))
    published_at = serializers.DateTimeField()
    due_on = serializers.DateField(allow_null=True, help_text=_("公示期限"))
    on_time = serializers.BooleanField(help_text=_("是否按时公示"))
    correction_reason = serializers.CharField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawal_reason = serializers.CharField()


class Enterprise(serializers.Serializer):
    public_code = serializers.CharField()
    uscc = serializers.CharField()
    name = serializers.CharField()


class NoticeTask(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()


class Notice(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("检查结果公告编号：公告的稳定编号"))
    title = serializers.CharField()
    department = DepartmentRef()
    year = serializers.IntegerField()
    number = serializers.IntegerField(help_text=_("公告序号（每个部门每年从 1 起）"))
    task = NoticeTask()
    first_published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    results_url = serializers.URLField(help_text=_("本公告中的检查结果"))


class EnterpriseMatch(serializers.Serializer):
    public_code = serializers.CharField()
    uscc = serializers.CharField()
    name = serializers.CharField(help_text=_("公示名称；个体工商户不含经营者姓名"))
    region = RegionRef(allow_null=True)
    industry = RegionRef(allow_null=True)
    result_count = serializers.IntegerField(help_text=_("公示中的检查结果数"))
    latest_completed_on = serializers.DateField()
    problem_found = serializers.BooleanField()
    results_url = serializers.URLField()


def page_of(child: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The envelope of a list: paging metadata around ``child`` rows."""
    fields = {
        "total": serializers.IntegerField(help_text=_("符合条件的总条数")),
        "page": serializers.IntegerField(),
        "page_size": serializers.IntegerField(),
        "pages": serializers.IntegerField(),
        "last_update": serializers.DateTimeField(
            allow_null=True, help_text=_("所列数据（符合条件的全部）最近一次变化的时间")
        ),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": child(many=True),
    }
    return type(name, (serializers.Serializer,), fields)


ItemPage = page_of(Item, "ItemPage")
PlanPage = page_of(Plan, "PlanPage")
TaskPage = page_of(Task, "TaskPage")


# What ``last_update`` means where a MAX over every match would read 10^6 rows (scale14): the
# latest publication, correction or withdrawal of any result, one row of an index.
PUBLICATION_LAST_UPDATE = _(
    "任一检查结果最近一次公示、更正或撤下的时间（符合条件的结果在此之后都没有变化）；没有符合条件的结果时为 null"
)


class ResultPage(page_of(Result, "ResultPageBase")):
    # A province holds 10^6 results: the total is capped (scale14).
    truncated = serializers.BooleanField(
        help_text=_("符合条件的超过上限（total 即上限，只能翻到上限以内；请缩小条件或使用批量数据文件）")
    )
    last_update = serializers.DateTimeField(allow_null=True, help_text=PUBLICATION_LAST_UPDATE)


NoticePage = page_of(Notice, "NoticePage")


class EnterpriseSearchPage(page_of(EnterpriseMatch, "EnterpriseSearchPageBase")):
    truncated = serializers.BooleanField(help_text=_("符合条件的超过上限（total 即上限）"))
    last_update = serializers.DateTimeField(allow_null=True, help_text=PUBLICATION_LAST_UPDATE)


class EnterpriseResultPage(ResultPage):
    enterprise = Enterprise()
    last_update = serializers.DateTimeField(
        allow_null=True, help_text=_("所列数据（符合条件的全部）最近一次变化的时间")
    )


class CodeList(serializers.Serializer):
    title = serializers.CharField()
    used_in = serializers.ListField(child=serializers.CharField(), help_text=_("使用此代码表的字段或参数"))
    codes = serializers.ListField(child=serializers.DictField())
