"""The pool is explainable: every object of the scope is in one stratum or excluded with a reason."""

from spotcheck.directory.models import InspectionObject
from spotcheck.draws import services
from spotcheck.draws.models import PoolExclusionGroup, Task
from spotcheck.draws.pool import LEAD_QUAL
from spotcheck.draws.selectors import pool_exclusions, stratum_members
from tests.factories import InspectionObjectFactory, later_window, make_item, publish, tag

Reason = PoolExclusionGroup.Reason


def _reasons(task):
    return {e.inspection_object.public_code: e.reason for e in pool_exclusions(task)}


def test_each_exclusion_reason(scjg_admin, coordinator, scjg, towns, county, scjg_inspectors, run_ceremony, make_task):
    item = make_item(actor=scjg_admin, department=scjg, code="SCJG-POOL-1", scope={"regions": [towns[0].code]})
    version = publish(item, actor=scjg_admin, coordinator=coordinator)
    make = lambda **kw: InspectionObjectFactory(region=towns[0], owner_department=scjg, **kw)  # noqa: E731
    cancelled = make(status=InspectionObject.Status.CANCELLED)
    retired = make()
    retired.retired_at = retired.created_at
    retired.save(update_fields=["retired_at"])
    elsewhere = InspectionObjectFactory(region=towns[1], owner_department=scjg, credit_level="C")
    abnormal = make(in_abnormal_list=True)
    credit_d = make(credit_level="D")
    kept = [make(credit_level="B") for _ in range(3)]
    task = make_task(
        items=[version],
        scope={"regions": [county.code]},
        pool_filter={"abnormal_list": False},
        strata=[{"name": "AB类", "filter": {"credit_levels": ["A", "B"]}, "ratio": "1"}],
    )
    services.task_freeze(actor=scjg_admin, task=task)
    reasons = _reasons(task)
    assert reasons[cancelled.public_code] == Reason.INACTIVE
    assert reasons[retired.public_code] == Reason.INACTIVE
    assert reasons[elsewhere.public_code] == Reason.OUT_OF_SCOPE
    assert reasons[abnormal.public_code] == Reason.FILTERED
    assert reasons[credit_d.public_code] == Reason.NO_STRATUM
    details = {e.inspection_object: e.detail for e in pool_exclusions(task, Reason.INACTIVE)}
    assert details == {cancelled: "注销", retired: "已停用"}
    members = stratum_members(task)["AB类"]
    assert {o.public_code for o in kept} <= set(members)
    assert members == sorted(members)
    assert not set(members) & set(reasons)
    # Every object of the scope is accounted for, exactly once.
    universe = InspectionObject.objects.filter(region__in=[county, *towns]).count()
    assert len(members) + len(reasons) == universe


def test_frequency_cap_and_last_inspector(scjg_admin, make_task, run_ceremony, objects):
    every = [{"name": "全部", "ratio": "1"}]
    first = run_ceremony(make_task(strata=every, max_visits_per_inspector=12))
    drawn = set(first.visits.values_list("public_id", flat=True))
    assert len(drawn) == len(objects)
    # Within a year, the same item: nobody is left in the pool (无事不扰). (The later tasks'
    # windows follow the first's: in the same window they would be redraws.)
    second = make_task(strata=every, max_visits_per_inspector=12, **later_window())
    services.task_freeze(actor=scjg_admin, task=second)
    assert set(_reasons(second).values()) == {Reason.FREQUENCY_CAP}
    assert second.frozen_pool.member_count == 0
    # Without the cap, each object's last team is excluded from matching it again.
    third = make_task(strata=every, max_visits_per_inspector=12, frequency_cap_days=0, **later_window())
    services.task_freeze(actor=scjg_admin, task=third)
    pairs = set(third.frozen_pool.exclusion_pairs())
    last = {(m.visit.public_id, m.inspector.code) for v in first.visits.all() for m in v.members.all()}
    assert pairs == last
    fourth = make_task(
        strata=every, max_visits_per_inspector=12, frequency_cap_days=0, exclude_last_inspector=False, **later_window()
    )
    services.task_freeze(actor=scjg_admin, task=fourth)
    assert fourth.frozen_pool.exclusion_pairs() == []


def test_cancelled_draws_do_not_count_for_the_cap(scjg_admin, coordinator, make_task, run_ceremony):
    first = run_ceremony(make_task(strata=[{"name": "全部", "ratio": "1"}], max_visits_per_inspector=12))
    services.task_cancel(actor=scjg_admin, task=first, reason="取消测试")
    # In the same window: a redraw, frozen once the joint office approves it.
    second = make_task(replaces=first, redraw_reason="重新抽取测试")
    second = services.task_redraw_approve(actor=coordinator, task=second)
    services.task_freeze(actor=scjg_admin, task=second)
    assert not pool_exclusions(second, Reason.FREQUENCY_CAP)


def test_recusals_cross_office_and_roster(scjg_admin, make_task, objects, scjg_inspectors, towns):
    from spotcheck.inspectors.models import Recusal

    Recusal.objects.create(inspector=scjg_inspectors[2], inspection_object=objects[0], reason="亲属")
    ended = Recusal.objects.create(inspector=scjg_inspectors[3], inspection_object=objects[0], reason="旧")
    ended.ended_at = ended.created_at
    ended.save(update_fields=["ended_at"])
    task = make_task(cross_office=True)
    services.task_freeze(actor=scjg_admin, task=task)
    pairs = set(task.frozen_pool.exclusion_pairs())
    assert (objects[0].public_code, scjg_inspectors[2].code) in pairs
    # 所所交叉: nobody inspects an object in their own 管辖片区; an ended recusal no longer counts.
    for obj in objects:
        for person in scjg_inspectors:
            own = person.jurisdictions.filter(pk=obj.region_id).exists()
            recused = obj == objects[0] and person == scjg_inspectors[2]
            assert ((obj.public_code, person.code) in pairs) == (own or recused)
    roster = {p["id"]: p for p in task.frozen_pool.roster}
    assert set(roster) == {p.code for p in scjg_inspectors}
    assert LEAD_QUAL in roster[scjg_inspectors[0].code]["quals"]
    assert LEAD_QUAL not in roster[scjg_inspectors[4].code]["quals"]
    assert task.draw.input["match"]["slots"][0]["quals"] == sorted(["draws_food", LEAD_QUAL])


def test_unmatchable_inspectors_stay_off_the_roster(scjg_admin, make_task, scjg_inspectors):
    person = scjg_inspectors[4]
    person.retired_at = person.created_at
    person.save(update_fields=["retired_at"])
    task = make_task()
    services.task_freeze(actor=scjg_admin, task=task)
    assert person.code not in {p["id"] for p in task.frozen_pool.roster}


def test_pool_filters(scjg_admin, make_task, scjg, towns, objects):
    flagged = objects[1]
    flagged.tags.set([tag("key_supervision")])
    task = make_task(pool_filter={"tags": ["key_supervision"]}, strata=[{"name": "全部", "ratio": "1"}])
    services.task_freeze(actor=scjg_admin, task=task)
    assert stratum_members(task) == {"全部": [flagged.public_code]}
    assert Task.objects.get(pk=task.pk).status == Task.Status.FROZEN


def test_drawn_recently_reads_the_draws(scjg_admin, make_task, run_ceremony, objects):
    """The pool hands the object filter its sets of drawn objects (any task, any item)."""
    first = run_ceremony(
        make_task(
            strata=[{"name": "C类", "filter": {"credit_levels": ["C"]}, "ratio": "1"}], max_visits_per_inspector=12
        )
    )
    drawn = set(first.visits.values_list("public_id", flat=True))
    assert drawn == {o.public_code for o in objects if o.credit_level == "C"}
    others = {o.public_code for o in objects} - drawn
    not_drawn = make_task(
        frequency_cap_days=0,
        pool_filter={"drawn_recently": False},
        strata=[{"name": "全部", "ratio": "1"}],
        **later_window(),
    )
    services.task_freeze(actor=scjg_admin, task=not_drawn)
    assert set(stratum_members(not_drawn)["全部"]) == others
    assert {code for code, reason in _reasons(not_drawn).items() if reason == Reason.FILTERED} == drawn
    recent = make_task(
        frequency_cap_days=0,
        **later_window(),
        strata=[
            {"name": "近期抽中", "filter": {"drawn_recently": True, "drawn_within_days": 30}, "ratio": "1"},
            {"name": "其他", "ratio": "1"},
        ],
    )
    services.task_freeze(actor=scjg_admin, task=recent)
    members = stratum_members(recent)
    assert (set(members["近期抽中"]), set(members["其他"])) == (drawn, others)


def test_exclusions_page_across_groups_in_rule_then_code_order(scjg_admin, scjg, towns, make_task):
    """Excluded objects are kept as groups of packed keys; any slice of them — a page — reads
    the right objects, by the order of the rules and then of public codes, whatever groups it
    spans."""
    make = lambda code, **kw: InspectionObjectFactory(  # noqa: E731
        public_code=code, uscc=code, region=towns[0], owner_department=scjg, **kw
    )
    revoked = [make(f"91320481MA0000R{n:03d}", status=InspectionObject.Status.REVOKED) for n in (3, 1, 2)]
    cancelled = [make(f"91320481MA0000C{n:03d}", status=InspectionObject.Status.CANCELLED) for n in (2, 1)]
    no_stratum = [make(f"91320481MA0000N{n:03d}", credit_level="D") for n in (2, 3, 1)]
    task = make_task(strata=[{"name": "AB类", "filter": {"credit_levels": ["A", "B"]}, "ratio": "1"}])
    services.task_freeze(actor=scjg_admin, task=task)
    excluded = pool_exclusions(task)
    by_code = lambda objects: sorted(objects, key=lambda o: o.public_code.encode())  # noqa: E731
    inactive = [e.inspection_object for e in excluded if e.reason == Reason.INACTIVE]
    # The statuses in the order of their choices (吊销 before 注销), each in code order.
    assert inactive[:5] == by_code(revoked) + by_code(cancelled)
    ours = {*revoked, *cancelled, *no_stratum}
    everything = [e.inspection_object for e in excluded]
    assert [o for o in everything if o in ours] == by_code(revoked) + by_code(cancelled) + by_code(no_stratum)
    for start in range(len(excluded)):
        for stop in range(start, len(excluded) + 1):
            assert [e.inspection_object for e in excluded[start:stop]] == everything[start:stop]
    assert excluded[-1].inspection_object == everything[-1]
    assert len(pool_exclusions(task, Reason.NO_STRATUM)) == sum(1 for e in excluded if e.reason == Reason.NO_STRATUM)
