"""The object filter language (spotcheck.directory.object_filter): validation per key and per use,
each key's meaning against real rows, any_of, the draws' drawn_since, and the filter in words."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from spotcheck.directory.models import InspectionObject, ObjectLicence, Penalty
from spotcheck.directory.object_filter import (
    FILTER_KEYS,
    describe_object_filter,
    describe_object_filters,
    inspectable_objects,
    object_filter_q,
    objects_in_scope,
    validate_object_filter,
    validate_scope,
)
from tests.factories import (
    InspectionObjectFactory,
    LicenceKindFactory,
    TagFactory,
    division,
    section,
)

Kind = InspectionObject.Kind
NOW = dt.datetime(2026, 6, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
POOL = "对象库筛选条件"


@pytest.fixture
def world(county, towns, scjg):
    """A small directory: restaurants and hotels in two towns, a factory at county level, and
    objects that are never inspected (retired, 注销, 吊销)."""
    h = section("H", "住宿和餐饮业")
    hotel = division("61", "住宿业", h)
    food = division("62", "餐饮业", h)
    c = section("C", "制造业")
    textile = division("17", "纺织业", c)
    catering = TagFactory(code="catering", name="餐饮服务")
    key = TagFactory(code="key_supervision")
    food_licence = LicenceKindFactory(code="food_business", name="食品经营许可证")
    hygiene = LicenceKindFactory(code="public_place_hygiene", name="公共场所卫生许可证")
    town_a, town_b, _town_c = towns
    o = {
        "restaurant_a": InspectionObjectFactory(
            name="溧城饭店",
            region=town_a,
            industry=food,
            tags=[catering, key],
            licences=[food_licence],
            credit_level="A",
            risk_level="low",
        ),
        "restaurant_b": InspectionObjectFactory(
            name="埭头小吃",
            region=town_b,
            industry=food,
            kind=Kind.INDIVIDUAL,
            tags=[catering],
            credit_level="C",
            in_abnormal_list=True,
            annual_report_status="not_reported",
        ),
        "hotel_a": InspectionObjectFactory(
            name="天目湖宾馆", region=town_a, industry=hotel, licences=[hygiene], risk_level="high"
        ),
        "h_section_only": InspectionObjectFactory(
            name="门类对象", region=town_b, industry=h, credit_level="D", in_serious_violation_list=True
        ),
        "mill": InspectionObjectFactory(
            name="纺织厂", region=county, industry=textile, tags=[key], annual_report_status="late"
        ),
        "retired": InspectionObjectFactory(name="已停用饭店", region=town_a, industry=food, tags=[catering]),
        "cancelled": InspectionObjectFactory(
            name="已注销饭店", region=town_a, industry=food, status=InspectionObject.Status.CANCELLED
        ),
        "revoked": InspectionObjectFactory(
            name="已吊销饭店", region=town_a, industry=food, status=InspectionObject.Status.REVOKED
        ),
    }
    InspectionObject.objects.filter(pk=o["retired"].pk).update(retired_at=timezone.now(), retired_reason="测试")
    for obj, days_ago in ((o["hotel_a"], 100), (o["mill"], 400)):
        Penalty.objects.create(
            inspection_object=obj,
            department=scjg,
            decision_number=f"溧市监罚〔2026〕{days_ago}号",
            decided_on=NOW.date() - dt.timedelta(days=days_ago),
            summary="测试",
        )
    return o


def names(flt, **kwargs) -> set[str]:
    """The names of the inspectable objects a (validated) filter matches."""
    return set(inspectable_objects().filter(object_filter_q(flt, now=NOW, **kwargs)).values_list("name", flat=True))


def scope_names(scope) -> set[str]:
    return set(objects_in_scope(scope).values_list("name", flat=True))


EVERYONE = {"溧城饭店", "埭头小吃", "天目湖宾馆", "门类对象", "纺织厂"}


# ------------------------------------------------------------------------------- meaning


class TestScopeKeys:
    def test_empty_scope_matches_every_inspectable_object(self, world):
        assert scope_names({}) == scope_names(None) == EVERYONE
        assert objects_in_scope(None).count() == 5

    def test_the_filter_itself_does_not_ask_for_inspectable(self, world):
        # The pool judges the rest itself (with the reason), so the condition leaves them in.
        everything = InspectionObject.objects.filter(object_filter_q({"industries": ["62"]}))
        assert set(everything.values_list("name", flat=True)) == {
            "溧城饭店",
            "埭头小吃",
            "已停用饭店",
            "已注销饭店",
            "已吊销饭店",
        }

    def test_kinds(self, world):
        assert scope_names({"kinds": ["individual"]}) == {"埭头小吃"}

    def test_section_letter_means_all_its_divisions(self, world):
        assert scope_names({"industries": ["H"]}) == {"溧城饭店", "埭头小吃", "天目湖宾馆", "门类对象"}

    def test_division_code_is_only_that_division(self, world):
        assert scope_names({"industries": ["62"]}) == {"溧城饭店", "埭头小吃"}

    def test_county_means_all_its_towns(self, world, towns):
        assert scope_names({"regions": ["320481"]}) == EVERYONE
        assert scope_names({"regions": [towns[0].code]}) == {"溧城饭店", "天目湖宾馆"}
        assert scope_names({"regions": [towns[2].code]}) == set()

    def test_licences(self, world):
        assert scope_names({"licences": ["food_business"]}) == {"溧城饭店"}
        assert scope_names({"licences": ["food_business", "public_place_hygiene"]}) == {"溧城饭店", "天目湖宾馆"}

    def test_cancelled_licence_does_not_count(self, world):
        ObjectLicence.objects.filter(inspection_object=world["restaurant_a"]).update(retired_at=timezone.now())
        assert scope_names({"licences": ["food_business"]}) == set()

    def test_or_within_a_key(self, world):
        assert scope_names({"tags": ["catering", "key_supervision"]}) == {"溧城饭店", "埭头小吃", "纺织厂"}
        assert scope_names({"industries": ["61", "17"]}) == {"天目湖宾馆", "纺织厂"}

    def test_and_across_keys(self, world, towns):
        assert scope_names({"tags": ["catering"], "regions": [towns[1].code]}) == {"埭头小吃"}
        assert scope_names({"industries": ["H"], "tags": ["key_supervision"]}) == {"溧城饭店"}
        assert scope_names({"kinds": ["enterprise"], "industries": ["62"], "licences": ["food_business"]}) == {
            "溧城饭店"
        }

    def test_no_object_counted_twice(self, world):
        # 溧城饭店 carries both tags: one row, one count.
        assert objects_in_scope({"tags": ["catering", "key_supervision"]}).count() == 3

    def test_count_is_live(self, world):
        scope = {"tags": ["catering"]}
        assert objects_in_scope(scope).count() == 2
        InspectionObject.objects.filter(pk=world["restaurant_b"].pk).update(status=InspectionObject.Status.CANCELLED)
        assert objects_in_scope(scope).count() == 1

    def test_count_is_one_query_after_validation(self, world, django_assert_num_queries):
        scope = validate_scope({"tags": ["catering"], "industries": ["H"], "regions": ["320481"]})
        with django_assert_num_queries(1):
            assert inspectable_objects().filter(object_filter_q(scope)).count() == 2

    def test_resolved_ids_match_the_same_objects(self, world, towns, django_assert_num_queries):
        scope = validate_scope({"industries": ["H"], "regions": ["320481"]})
        with django_assert_num_queries(2):  # the industry and region ids, looked up first
            condition = object_filter_q(scope, resolve=True)
        assert names(scope) == {"溧城饭店", "埭头小吃", "天目湖宾馆", "门类对象"}
        assert set(inspectable_objects().filter(condition).values_list("name", flat=True)) == names(scope)


class TestFilterKeys:
    def test_levels_and_annual_report(self, world):
        assert names({"credit_levels": ["C", "D"]}) == {"埭头小吃", "门类对象"}
        assert names({"risk_levels": ["high", "low"]}) == {"溧城饭店", "天目湖宾馆"}
        assert names({"annual_report": ["late", "not_reported"]}) == {"埭头小吃", "纺织厂"}

    def test_lists_true_and_false(self, world):
        assert names({"abnormal_list": True}) == {"埭头小吃"}
        assert names({"abnormal_list": False}) == EVERYONE - {"埭头小吃"}
        assert names({"serious_violation_list": True}) == {"门类对象"}
        assert names({"serious_violation_list": False}) == EVERYONE - {"门类对象"}

    def test_tags_any_of_them(self, world):
        assert names({"tags": ["key_supervision"]}) == {"溧城饭店", "纺织厂"}
        assert names({"tags": ["catering", "key_supervision"]}) == {"溧城饭店", "埭头小吃", "纺织厂"}

    def test_penalised_within_days_counts_back_from_now(self, world):
        assert names({"penalised_within_days": 365}) == {"天目湖宾馆"}
        assert names({"penalised_within_days": 100}) == {"天目湖宾馆"}, "the day itself counts"
        assert names({"penalised_within_days": 99}) == set()
        assert names({"penalised_within_days": 3650}) == {"天目湖宾馆", "纺织厂"}

    def test_keys_together_must_all_hold(self, world):
        assert names({"credit_levels": ["B"], "tags": ["key_supervision"], "annual_report": ["late"]}) == {"纺织厂"}
        assert names({"credit_levels": ["C", "D"], "abnormal_list": False}) == {"门类对象"}

    def test_any_of_takes_objects_with_any_alternative(self, world):
        flags = {"any_of": [{"abnormal_list": True}, {"serious_violation_list": True}, {"penalised_within_days": 365}]}
        assert names(flags) == {"埭头小吃", "门类对象", "天目湖宾馆"}
        # Beside other keys, which must hold too; each alternative holds its own keys together.
        assert names({**flags, "credit_levels": ["C"]}) == {"埭头小吃"}
        both = {"any_of": [{"credit_levels": ["A"], "risk_levels": ["low"]}, {"tags": ["key_supervision"]}]}
        assert names(both) == {"溧城饭店", "纺织厂"}

    def test_drawn_recently_asks_the_callers_drawn_since(self, world):
        asked: list[dt.datetime] = []

        def drawn_since(moment: dt.datetime) -> Q:
            asked.append(moment)
            return Q(pk__in=[world["mill"].pk, world["cancelled"].pk])

        assert names({"drawn_recently": True, "drawn_within_days": 30}, drawn_since=drawn_since) == {"纺织厂"}
        assert names({"drawn_recently": False, "drawn_within_days": 30}, drawn_since=drawn_since) == EVERYONE - {
            "纺织厂"
        }
        assert asked == [NOW - dt.timedelta(days=30)] * 2
        validated = validate_object_filter({"any_of": [{"drawn_recently": True}, {"abnormal_list": True}]}, label=POOL)
        assert names(validated, drawn_since=drawn_since) == {"纺织厂", "埭头小吃"}
        assert asked[-1] == NOW - dt.timedelta(days=365), "365 days when not given"

    def test_drawn_recently_without_drawn_since_is_a_programming_error(self, world):
        with pytest.raises(TypeError, match="drawn_since"):
            object_filter_q({"any_of": [{"drawn_recently": True}, {"abnormal_list": True}]})

    def test_empty_filter_does_not_restrict(self, world):
        assert object_filter_q({}) == Q()
        assert names({}) == EVERYONE


# ------------------------------------------------------------------------------- validation


class TestValidation:
    def test_canonical_scope(self, world):
        assert validate_scope({"tags": ["key_supervision", "catering", "catering"], "kinds": [], "regions": None}) == {
            "tags": ["catering", "key_supervision"]
        }
        assert validate_scope({"industries": [" H "]}) == {"industries": ["H"]}

    def test_canonical_filter(self, world):
        raw = {
            "risk_levels": ["low", "high", "low"],
            "credit_levels": [],
            "abnormal_list": False,
            "tags": None,
            "drawn_recently": True,
            "any_of": [{"penalised_within_days": 90}, {"tags": ["key_supervision", "catering"], "annual_report": []}],
        }
        assert validate_object_filter(raw, label=POOL) == {
            "risk_levels": ["high", "low"],
            "abnormal_list": False,
            "drawn_recently": True,
            "drawn_within_days": 365,
            "any_of": [{"penalised_within_days": 90}, {"tags": ["catering", "key_supervision"]}],
        }
        assert validate_object_filter(None, label=POOL) == {}

    @pytest.mark.parametrize(
        ("scope", "message"),
        [
            (
                {"industry": ["H"]},
                "抽查对象范围含有未知的条件“industry”，可用的条件为：kinds、industries、licences、tags、regions。",
            ),
            ({"industries": ["H", "Q99"]}, "抽查对象范围的行业（industries）中，代码“Q99”不存在或已停用。"),
            ({"kinds": ["spaceship"]}, "抽查对象范围的对象类型（kinds）中，代码“spaceship”不存在或已停用。"),
            ({"licences": ["no_such"]}, "抽查对象范围的许可类别（licences）中，代码“no_such”不存在或已停用。"),
            ({"tags": ["nope"]}, "抽查对象范围的分类标注（tags）中，代码“nope”不存在或已停用。"),
            ({"regions": ["999999"]}, "抽查对象范围的区划（regions）中，代码“999999”不存在或已停用。"),
            ({"tags": "catering"}, "抽查对象范围的分类标注（tags）应为代码列表。"),
            ({"tags": [3]}, "抽查对象范围的分类标注（tags）含有无效的代码“3”。"),
            (["catering"], "抽查对象范围应为一个 JSON 对象。"),
            # A scope takes the scope keys only, whatever else the language knows.
            ({"credit_levels": ["A"]}, "抽查对象范围含有未知的条件“credit_levels”"),
        ],
    )
    def test_scope_errors_name_key_and_value(self, world, scope, message):
        with pytest.raises(ValidationError) as exc_info:
            validate_scope(scope)
        assert any(message in m for m in exc_info.value.messages), exc_info.value.messages

    @pytest.mark.parametrize(
        ("flt", "message"),
        [
            ({"colour": ["red"]}, "对象库筛选条件含有未知的条件“colour”，可用的条件为：tags、credit_levels"),
            ({"regions": ["320481"]}, "对象库筛选条件含有未知的条件“regions”"),
            ({"credit_levels": ["Z"]}, "对象库筛选条件的信用等级（credit_levels）中，代码“Z”不存在或已停用。"),
            ({"risk_levels": "high"}, "对象库筛选条件的风险等级（risk_levels）应为代码列表。"),
            ({"annual_report": ["overdue"]}, "对象库筛选条件的年报状态（annual_report）中，代码“overdue”不存在"),
            ({"tags": ["nope"]}, "对象库筛选条件的分类标注（tags）中，代码“nope”不存在或已停用。"),
            ({"abnormal_list": "yes"}, "对象库筛选条件的列入经营异常名录（abnormal_list）应为 true 或 false。"),
            ({"serious_violation_list": 1}, "列入严重违法失信名单（serious_violation_list）应为 true 或 false。"),
            ({"penalised_within_days": 0}, "近期受过行政处罚（penalised_within_days）应为 1 到 3650 之间的天数。"),
            ({"penalised_within_days": 3651}, "应为 1 到 3650 之间的天数。"),
            ({"penalised_within_days": True}, "应为 1 到 3650 之间的天数。"),
            ({"penalised_within_days": "30"}, "应为 1 到 3650 之间的天数。"),
            ({"drawn_recently": "no"}, "对象库筛选条件的近期被抽中（drawn_recently）应为 true 或 false。"),
            ({"drawn_within_days": 0}, "对象库筛选条件的被抽中期限（drawn_within_days）应为正整数（天）。"),
            ({"any_of": [{"abnormal_list": True}]}, "对象库筛选条件的任一条件（any_of）应为至少两个条件的列表。"),
            ({"any_of": {"abnormal_list": True}}, "任一条件（any_of）应为至少两个条件的列表。"),
            ({"any_of": [{"abnormal_list": True}, {}]}, "对象库筛选条件的任一条件（any_of）含有空条件。"),
            ({"any_of": [{"abnormal_list": True}, {"tags": []}]}, "任一条件（any_of）含有空条件。"),
            ({"any_of": [{"abnormal_list": True}, {"any_of": []}]}, "对象库筛选条件含有未知的条件“any_of”"),
            ({"any_of": [{"abnormal_list": True}, {"credit_levels": ["E"]}]}, "代码“E”不存在或已停用"),
            ({"any_of": [{"abnormal_list": True}, 3]}, "对象库筛选条件应为一个 JSON 对象。"),
        ],
    )
    def test_filter_errors_name_key_and_value(self, world, flt, message):
        with pytest.raises(ValidationError) as exc_info:
            validate_object_filter(flt, label=POOL)
        assert any(message in m for m in exc_info.value.messages), exc_info.value.messages

    def test_errors_name_the_place(self, world):
        with pytest.raises(ValidationError) as exc_info:
            validate_object_filter({"credit_levels": ["E"]}, label="分层“C类”的条件")
        assert exc_info.value.messages == ["分层“C类”的条件的信用等级（credit_levels）中，代码“E”不存在或已停用。"]

    def test_filter_keys_are_the_task_keys(self):
        assert set(FILTER_KEYS) == {
            "credit_levels",
            "risk_levels",
            "annual_report",
            "abnormal_list",
            "serious_violation_list",
            "tags",
            "penalised_within_days",
            "findings_within_days",  # i13-followups: 风险记录
            "drawn_recently",
            "drawn_within_days",
            "any_of",
        }

    def test_inactive_tag_refused(self, world):
        TagFactory(code="retired_tag", name="旧标注", is_active=False)
        for check in (validate_scope, lambda raw: validate_object_filter(raw, label=POOL)):
            with pytest.raises(ValidationError):
                check({"tags": ["retired_tag"]})

    def test_all_errors_together(self, world):
        with pytest.raises(ValidationError) as exc_info:
            validate_scope({"tags": ["nope"], "regions": ["999999"]})
        assert len(exc_info.value.messages) == 2
        with pytest.raises(ValidationError) as exc_info:
            validate_object_filter(
                {"abnormal_list": 1, "any_of": [{"tags": ["nope"]}, {"risk_levels": ["x"]}]}, label=POOL
            )
        assert len(exc_info.value.messages) == 3


# ------------------------------------------------------------------------------------ words


class TestDescribe:
    def test_scope_codes_resolve_to_names(self, world, towns):
        lines = describe_object_filter(
            {"kinds": ["individual"], "industries": ["H"], "regions": [towns[0].code], "tags": ["x"]}
        )
        assert [(line.label, line.values) for line in lines] == [
            ("对象类型", ["个体工商户"]),
            ("行业", ["H 住宿和餐饮业"]),
            ("分类标注", ["x"]),  # a code no longer known, as it is
            ("区划", ["溧城街道"]),
        ]

    def test_filter_keys_in_words(self, world):
        flt = {
            "risk_levels": ["high", "low"],
            "annual_report": ["not_reported"],
            "abnormal_list": False,
            "serious_violation_list": True,
            "penalised_within_days": 90,
            "drawn_recently": False,
            "drawn_within_days": 180,
        }
        assert [str(line) for line in describe_object_filter(flt)] == [
            "风险等级：低风险、高风险",  # in the order of the choices
            "年报状态：未报送",
            "未列入经营异常名录",
            "列入严重违法失信名单",
            "90 天内受过行政处罚",
            "180 天内未被抽中",
        ]
        assert str(describe_object_filter({"drawn_recently": True, "drawn_within_days": 365})[0]) == "365 天内被抽中过"
        assert describe_object_filter({}) == describe_object_filter(None) == []

    def test_any_of_marks_reads_as_any_flag(self, world):
        flt = {
            "credit_levels": ["D"],
            "any_of": [
                {"abnormal_list": True},
                {"serious_violation_list": True},
                {"penalised_within_days": 365},
                {"tags": ["key_supervision"]},
            ],
        }
        assert [str(line) for line in describe_object_filter(flt)] == [
            "信用等级：D 类（信用风险高）",
            "任一标记：列入经营异常名录、列入严重违法失信名单、365 天内受过行政处罚、重点监管",
        ]

    def test_any_of_other_conditions(self, world):
        flt = {"any_of": [{"credit_levels": ["C", "D"], "risk_levels": ["high"]}, {"abnormal_list": True}]}
        assert [str(line) for line in describe_object_filter(flt)] == [
            "任一条件：（信用等级：C 类（信用风险较高）、D 类（信用风险高）；风险等级：高风险）、列入经营异常名录"
        ]
        flt = {"any_of": [{"credit_levels": ["C", "D"]}, {"tags": ["catering", "key_supervision"]}]}
        assert [str(line) for line in describe_object_filter(flt)] == [
            "任一条件：（信用等级：C 类（信用风险较高）、D 类（信用风险高））、餐饮服务、重点监管"
        ]

    def test_many_filters_one_query_per_table(self, world, django_assert_num_queries):
        filters = [{"tags": ["catering"]}, {"any_of": [{"tags": ["key_supervision"]}, {"abnormal_list": True}]}, None]
        with django_assert_num_queries(1):
            described = describe_object_filters(filters)
        assert [[str(line) for line in lines] for lines in described] == [
            ["分类标注：餐饮服务"],
            ["任一标记：重点监管、列入经营异常名录"],
            [],
        ]
