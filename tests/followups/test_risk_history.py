"""风险记录 (issue 13, item 9's last sentence): a confirmed result with a problem adds an entry to
the object's history with its source — once per item result, retired when a correction removes
the problem — the object page shows it, and the object filter's ``findings_within_days`` selects
on it, so later strata see it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from spotcheck.audit.models import AuditEntry
from spotcheck.directory.models import InspectionObject, ObjectFinding
from spotcheck.directory.object_filter import (
    FILTER_KEYS,
    describe_object_filter,
    object_filter_q,
    validate_object_filter,
)
from spotcheck.planning.strata import validate_stratum_filter
from spotcheck.results.models import VisitResult
from tests.fixtures.followups import confirm_result, correct_result, make_result

pytestmark = pytest.mark.usefixtures("spring_2026")


def test_a_confirmed_problem_writes_one_finding_with_its_source(problem_result, problem_item):
    finding = ObjectFinding.objects.get()
    visit = problem_result.visit
    assert finding.inspection_object == visit.inspection_object
    assert finding.department_id == problem_item.department_id
    assert finding.found_on == problem_item.checked_on
    assert finding.source_kind == "result" and finding.source_key == f"item_result:{problem_item.pk}"
    assert visit.task.code in finding.source_reference
    assert problem_item.item_version.item.code in finding.source_reference
    assert finding.codes == ["A", "B"]
    assert "发现问题待后续处理" in finding.summary and "未按规定公示年度报告信息" in finding.summary
    assert AuditEntry.objects.filter(action="directory.finding.record").count() == 1


def test_confirming_again_changes_nothing(problem_result, scjg_inspector):
    confirm_result(problem_result, actor=scjg_inspector)
    assert ObjectFinding.objects.count() == 1
    assert AuditEntry.objects.filter(action__startswith="directory.finding.").count() == 1


def test_a_result_without_a_problem_writes_none(problem_visit, scjg_inspector):
    make_result(problem_visit, actor=scjg_inspector, codes=["1"])
    assert not ObjectFinding.objects.exists()


def test_an_unconfirmed_result_writes_none(problem_visit, scjg_inspector):
    make_result(problem_visit, actor=scjg_inspector, confirm=False)
    assert not ObjectFinding.objects.exists()


def test_a_correction_without_the_problem_retires_the_entry(problem_result, scjg_inspector):
    correct_result(problem_result, actor=scjg_inspector, codes=["1"])
    finding = ObjectFinding.objects.get()
    assert finding.is_retired and finding.retired_reason == "结果更正"
    assert AuditEntry.objects.filter(action="directory.finding.retire").count() == 1
    # Corrected back to a problem: a new standing entry beside the retired one.
    correct_result(problem_result, actor=scjg_inspector, codes=["E"])
    assert ObjectFinding.objects.count() == 2
    standing = ObjectFinding.objects.get(retired_at__isnull=True)
    assert standing.codes == ["E"]


def test_a_correction_that_keeps_a_problem_updates_the_entry(problem_result, scjg_inspector):
    correct_result(problem_result, actor=scjg_inspector, codes=["8"])
    finding = ObjectFinding.objects.get()
    assert finding.codes == ["8"] and not finding.is_retired and "不配合检查情节严重" in finding.summary
    assert AuditEntry.objects.filter(action="directory.finding.update").count() == 1


def test_the_receiver_writes_inside_the_confirmation(problem_visit, scjg_inspector, monkeypatch):
    """A failing receiver rolls the confirmation back (the signal is sent in its transaction)."""
    from spotcheck.followups import receivers

    def boom(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(receivers, "sync_findings", boom)
    with pytest.raises(RuntimeError):
        make_result(problem_visit, actor=scjg_inspector)
    assert not ObjectFinding.objects.exists()
    assert not VisitResult.objects.filter(visit=problem_visit).exists()


# ---------------------------------------------------------------------------- the object page


def test_the_object_page_shows_the_findings(login, wsjk_admin, scjg_admin, problem_result, scjg_inspector):
    obj = problem_result.visit.inspection_object
    page = login(scjg_admin).get(reverse("directory:detail", args=[obj.pk])).content.decode()
    assert 'id="findings"' in page and "风险记录" in page
    assert problem_result.visit.task.code in page and "未按规定公示年度报告信息" in page
    correct_result(problem_result, actor=scjg_inspector, codes=["1"])
    page = login(scjg_admin).get(reverse("directory:detail", args=[obj.pk])).content.decode()
    assert "已撤销" in page and "结果更正" in page


# -------------------------------------------------------------------------- the filter key


def _ids(flt):
    return set(InspectionObject.objects.filter(object_filter_q(flt)).values_list("pk", flat=True))


def test_findings_within_days_selects_objects_with_a_recent_standing_finding(problem_result, scjg_inspector):
    obj = problem_result.visit.inspection_object
    assert _ids({"findings_within_days": 30}) == {obj.pk}
    ObjectFinding.objects.update(found_on=timezone.localdate() - dt.timedelta(days=40))
    assert _ids({"findings_within_days": 30}) == set()
    assert _ids({"findings_within_days": 40}) == {obj.pk}, "the day itself counts"
    correct_result(problem_result, actor=scjg_inspector, codes=["1"])
    assert _ids({"findings_within_days": 3650}) == set(), "a retired entry does not count"


def test_findings_within_days_in_any_of(problem_result):
    obj = problem_result.visit.inspection_object
    flt = validate_object_filter({"any_of": [{"findings_within_days": 90}, {"abnormal_list": True}]}, label="分层条件")
    assert obj.pk in _ids(flt)


@pytest.mark.parametrize("value", [0, 3651, True, "30", 1.5])
def test_findings_within_days_is_validated(db, value):
    with pytest.raises(ValidationError) as exc:
        validate_object_filter({"findings_within_days": value}, label="分层条件")
    assert exc.value.messages == ["分层条件的近期有风险记录（findings_within_days）应为 1 到 3650 之间的天数。"]


def test_findings_within_days_is_a_stratum_key_and_not_a_scope_key(db):
    assert "findings_within_days" in FILTER_KEYS
    assert validate_stratum_filter({"findings_within_days": 180}) == {"findings_within_days": 180}
    with pytest.raises(ValidationError, match="未知的条件“findings_within_days”"):
        validate_object_filter({"findings_within_days": 180}, label="抽查对象范围", keys=("kinds",))


def test_findings_within_days_in_words(db):
    [condition] = describe_object_filter({"findings_within_days": 180})
    assert str(condition) == "180 天内检查发现过问题"
    [marks] = describe_object_filter({"any_of": [{"findings_within_days": 90}, {"abnormal_list": True}]})
    assert str(marks) == "任一标记：90 天内检查发现过问题、列入经营异常名录"


def test_the_object_page_section_is_one_query(problem_result, scjg_inspector, django_assert_num_queries):
    from django.template import Context, Template

    obj = problem_result.visit.inspection_object
    correct_result(problem_result, actor=scjg_inspector, codes=["1"])
    correct_result(problem_result, actor=scjg_inspector, codes=["E"])
    template = Template("{% load findings %}{% object_findings obj %}")
    with django_assert_num_queries(1):
        html = template.render(Context({"obj": obj}))
    assert html.count("<tr") == 3  # the header and both entries
