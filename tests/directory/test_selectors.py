import pytest
from django.db import connection
from django.utils import timezone

from spotcheck.accounts.scope import scope_for
from spotcheck.directory.models import Industry
from spotcheck.directory.selectors import CappedMatches, object_history, objects_for_scope, search_objects
from spotcheck.directory.services import object_change_level, object_create, object_update
from tests.factories import InspectionObjectFactory, ObjectLicenceFactory, make_uscc, tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def objs(scjg, wsjk, towns):
    industry = {i.code: i for i in Industry.objects.filter(code__in=["52", "62", "14"])}
    return {
        "canteen": InspectionObjectFactory(
            name="溧阳市第一中学食堂",
            region=towns[0],
            industry=industry["62"],
            tags=[tag("school_canteen")],
            risk_level="high",
            supervising_departments=[wsjk],
        ),
        "shop": InspectionObjectFactory(
            name="天目湖便利店",
            region=towns[2],
            industry=industry["52"],
            credit_level="C",
            in_abnormal_list=True,
            kind="individual",
            annual_report_status="not_reported",
        ),
        "factory": InspectionObjectFactory(
            name="埭头食品有限公司",
            region=towns[1],
            industry=industry["14"],
            in_serious_violation_list=True,
            status="revoked",
            owner_department=wsjk,
        ),
        "product": InspectionObjectFactory(product=True, name="电动自行车", region=towns[0]),
        "retired": InspectionObjectFactory(
            name="已停用的小吃店", region=towns[0], retired_at=timezone.now(), retired_reason="注销"
        ),
    }


def names(qs):
    return sorted(o.name for o in qs)


def find(coordinator, **params):
    return names(search_objects(scope_for(coordinator), params))


def test_scope(objs, coordinator, scjg_admin, wsjk_admin, scjg_inspector, auditor, nobody):
    assert len(objects_for_scope(scope_for(coordinator))) == 5
    assert len(objects_for_scope(scope_for(auditor))) == 5
    assert "埭头食品有限公司" not in names(objects_for_scope(scope_for(scjg_admin)))
    assert len(objects_for_scope(scope_for(scjg_inspector))) == 4
    # 卫健 sees its own object and the canteen it supervises.
    assert names(objects_for_scope(scope_for(wsjk_admin))) == ["埭头食品有限公司", "溧阳市第一中学食堂"]
    assert not objects_for_scope(scope_for(nobody)).exists()


def test_search_respects_scope(objs, wsjk_admin):
    assert names(search_objects(scope_for(wsjk_admin), {"name": "食"})) == ["埭头食品有限公司", "溧阳市第一中学食堂"]


def test_default_hides_retired(objs, coordinator):
    assert "已停用的小吃店" not in find(coordinator)
    assert "已停用的小吃店" in find(coordinator, include_retired="true")
    assert len(find(coordinator, include_retired="true")) == 5


def test_two_character_chinese_name_fragment(objs, coordinator):
    assert find(coordinator, name="食堂") == ["溧阳市第一中学食堂"]
    assert find(coordinator, name="食品") == ["埭头食品有限公司"]
    assert find(coordinator, q="便利") == ["天目湖便利店"]


def test_code_exact_and_prefix(objs, coordinator):
    code = objs["shop"].public_code
    assert find(coordinator, code=code) == ["天目湖便利店"]
    assert find(coordinator, code=code[:-1].lower()) == ["天目湖便利店"]
    assert find(coordinator, code="P320481") == ["电动自行车"]
    assert len(find(coordinator, code="91320481MA")) == 3
    assert find(coordinator, q=code[:-1]) == ["天目湖便利店"]


def test_region_town_or_whole_county(objs, coordinator, county, towns):
    assert find(coordinator, region=towns[2].code) == ["天目湖便利店"]
    assert len(find(coordinator, region=county.code)) == 4


def test_industry_section_or_division(objs, coordinator):
    assert find(coordinator, industry="62") == ["溧阳市第一中学食堂"]
    assert find(coordinator, industry="H") == ["溧阳市第一中学食堂"]
    assert find(coordinator, industry="C") == ["埭头食品有限公司"]


def test_tag_and_licence_kind(objs, coordinator):
    assert find(coordinator, tag="school_canteen") == ["溧阳市第一中学食堂"]
    ObjectLicenceFactory(inspection_object=objs["shop"])
    ObjectLicenceFactory(inspection_object=objs["shop"])
    ObjectLicenceFactory(inspection_object=objs["canteen"], retired_at=timezone.now(), retired_reason="到期")
    # Two licences of the kind still give one row; a retired licence does not count.
    assert find(coordinator, licence_kind="food_business") == ["天目湖便利店"]


def test_choice_and_flag_filters(objs, coordinator):
    assert find(coordinator, kind="individual") == ["天目湖便利店"]
    assert find(coordinator, kind="product") == ["电动自行车"]
    assert find(coordinator, status="revoked") == ["埭头食品有限公司"]
    assert find(coordinator, risk_level="high") == ["溧阳市第一中学食堂"]
    assert find(coordinator, credit_level="C") == ["天目湖便利店"]
    assert find(coordinator, in_abnormal_list="true") == ["天目湖便利店"]
    assert len(find(coordinator, in_abnormal_list="false")) == 3
    assert find(coordinator, in_serious_violation_list="true") == ["埭头食品有限公司"]
    assert find(coordinator, annual_report_status="not_reported") == ["天目湖便利店"]


def test_supervising_department(objs, coordinator, wsjk):
    assert find(coordinator, supervising_department=wsjk.code) == ["溧阳市第一中学食堂"]


def test_invalid_filter_values_do_not_widen_or_crash(objs, coordinator):
    # An unknown region code is a form error; the other filters still apply.
    assert find(coordinator, region="000000", risk_level="high") == ["溧阳市第一中学食堂"]


def test_object_history_newest_first_and_readable(scjg_admin, towns, scjg):
    obj = object_create(
        actor=scjg_admin,
        data={"uscc": make_uscc(3), "name": "历史测试公司", "region": towns[0], "owner_department": scjg},
    )
    object_update(actor=scjg_admin, obj=obj, data={"region": towns[1]})
    object_change_level(
        actor=scjg_admin,
        obj=obj,
        field="risk_level",
        new_value="high",
        effective_on=timezone.localdate(),
        reason="投诉较多",
        source="部门评定",
    )
    history = object_history(obj)
    assert history.level_changes[0].new_value == "high"
    assert len(history.level_changes) == 3
    actions = [e.action for e in history.audit_entries]
    assert actions == ["directory.object.level", "directory.object.update", "directory.object.create"]
    update = history.audit_entries[1]
    assert update.action_label == "修改检查对象"
    [region_change] = [c for c in update.field_changes if c.label == "所属区划"]
    assert (region_change.before, region_change.after) == ("溧城街道", "埭头镇")
    level = history.audit_entries[0]
    assert any(c.label == "风险等级" and c.before == "一般风险" and c.after == "高风险" for c in level.field_changes)


@pytest.mark.postgres_only
def test_postgres_name_search_uses_trigram_index(objs, coordinator):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (pg_trgm)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT cardinality(show_trgm('食品有'))")
        if not cursor.fetchone()[0]:
            pytest.skip("this database's ctype gives Chinese no trigrams (create it with a UTF-8 ctype)")
    qs = search_objects(scope_for(coordinator), {"name": "食品有"})
    with connection.cursor() as cursor:
        # A five-row table is cheapest to walk through any index; leave the planner only the
        # choice between the trigram index and a (disabled) sequential scan.
        cursor.execute("SET enable_seqscan = off; SET enable_indexscan = off; SET enable_indexonlyscan = off")
        try:
            sql, params = qs.query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan; RESET enable_indexscan; RESET enable_indexonlyscan")
    assert "object_name_trgm_idx" in plan, plan
    assert names(qs) == ["埭头食品有限公司"]


def test_text_search_is_capped_and_sorted_by_code(coordinator, towns):
    for serial in (5, 3, 9, 1, 7):
        InspectionObjectFactory(name=f"溧阳市茶叶店{serial}", uscc=make_uscc(serial), region=towns[0])
    InspectionObjectFactory(name="别的店", uscc=make_uscc(2), region=towns[0])
    matches = CappedMatches(search_objects(scope_for(coordinator), {"q": "茶叶"}), cap=3)
    assert matches.truncated and matches.count() == 3
    codes = [o.public_code for o in matches[0:3]]
    assert codes == sorted(codes) and all(o.name.startswith("溧阳市茶叶店") for o in matches[0:3])
    everything = CappedMatches(search_objects(scope_for(coordinator), {"q": "茶叶"}), cap=10)
    assert not everything.truncated
    assert [o.name for o in everything[0:10]] == [f"溧阳市茶叶店{n}" for n in (1, 3, 5, 7, 9)]


def test_list_page_says_when_a_search_is_capped(login, coordinator, towns, monkeypatch):
    from spotcheck.directory import selectors

    monkeypatch.setattr(selectors, "SEARCH_CAP", 2)
    for serial in range(3):
        InspectionObjectFactory(name=f"上黄茶场{serial}", uscc=make_uscc(serial + 20), region=towns[0])
    body = login(coordinator).get("/objects/?q=茶场").content.decode()
    assert "超过 2 个" in body and body.count("上黄茶场") == 2
    body = login(coordinator).get("/objects/?q=茶场0").content.decode()
    assert "共 1 个检查对象" in body
