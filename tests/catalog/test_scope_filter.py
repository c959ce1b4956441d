import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from spotcheck.catalog.scope_filter import describe_scope, objects_in_scope, scope_match_count, validate_scope
from spotcheck.directory.models import InspectionObject, ObjectLicence
from tests.factories import (
    InspectionObjectFactory,
    LicenceKindFactory,
    TagFactory,
    division,
    section,
)

Kind = InspectionObject.Kind


@pytest.fixture
def world(county, towns, scjg):
    """A small directory: restaurants and hotels in two towns, a factory at county level, and
    objects that must never count (retired, 注销, 吊销)."""
    h = section("H", "住宿和餐饮业")
    hotel = division("61", "住宿业", h)
    food = division("62", "餐饮业", h)
    c = section("C", "制造业")
    textile = division("17", "纺织业", c)
    catering = TagFactory(code="catering", name="餐饮服务")
    key = TagFactory(code="key_supervision", name="重点监管")
    food_licence = LicenceKindFactory(code="food_business", name="食品经营许可证")
    hygiene = LicenceKindFactory(code="public_place_hygiene", name="公共场所卫生许可证")
    town_a, town_b, _town_c = towns
    o = {
        "restaurant_a": InspectionObjectFactory(
            name="溧城饭店", region=town_a, industry=food, tags=[catering, key], licences=[food_licence]
        ),
        "restaurant_b": InspectionObjectFactory(
            name="埭头小吃", region=town_b, industry=food, kind=Kind.INDIVIDUAL, tags=[catering]
        ),
        "hotel_a": InspectionObjectFactory(name="天目湖宾馆", region=town_a, industry=hotel, licences=[hygiene]),
        "h_section_only": InspectionObjectFactory(name="门类对象", region=town_b, industry=h),
        "mill": InspectionObjectFactory(name="纺织厂", region=county, industry=textile, tags=[key]),
        "retired": InspectionObjectFactory(name="已停用饭店", region=town_a, industry=food, tags=[catering]),
        "cancelled": InspectionObjectFactory(
            name="已注销饭店", region=town_a, industry=food, status=InspectionObject.Status.CANCELLED
        ),
        "revoked": InspectionObjectFactory(
            name="已吊销饭店", region=town_a, industry=food, status=InspectionObject.Status.REVOKED
        ),
    }
    InspectionObject.objects.filter(pk=o["retired"].pk).update(retired_at=timezone.now(), retired_reason="测试")
    return o


def names(scope) -> set[str]:
    return set(objects_in_scope(scope).values_list("name", flat=True))


class TestSemantics:
    def test_empty_scope_matches_every_inspectable_object(self, world):
        assert names({}) == {"溧城饭店", "埭头小吃", "天目湖宾馆", "门类对象", "纺织厂"}
        assert scope_match_count(None) == 5

    def test_kinds(self, world):
        assert names({"kinds": ["individual"]}) == {"埭头小吃"}

    def test_section_letter_means_all_its_divisions(self, world):
        assert names({"industries": ["H"]}) == {"溧城饭店", "埭头小吃", "天目湖宾馆", "门类对象"}

    def test_division_code_is_only_that_division(self, world):
        assert names({"industries": ["62"]}) == {"溧城饭店", "埭头小吃"}

    def test_county_means_all_its_towns(self, world, towns):
        assert names({"regions": ["320481"]}) == names({})
        assert names({"regions": [towns[0].code]}) == {"溧城饭店", "天目湖宾馆"}
        assert names({"regions": [towns[2].code]}) == set()

    def test_licences(self, world):
        assert names({"licences": ["food_business"]}) == {"溧城饭店"}
        assert names({"licences": ["food_business", "public_place_hygiene"]}) == {"溧城饭店", "天目湖宾馆"}

    def test_cancelled_licence_does_not_count(self, world):
        ObjectLicence.objects.filter(inspection_object=world["restaurant_a"]).update(retired_at=timezone.now())
        assert names({"licences": ["food_business"]}) == set()

    def test_or_within_a_key(self, world):
        assert names({"tags": ["catering", "key_supervision"]}) == {"溧城饭店", "埭头小吃", "纺织厂"}
        assert names({"industries": ["61", "17"]}) == {"天目湖宾馆", "纺织厂"}

    def test_and_across_keys(self, world, towns):
        assert names({"tags": ["catering"], "regions": [towns[1].code]}) == {"埭头小吃"}
        assert names({"industries": ["H"], "tags": ["key_supervision"]}) == {"溧城饭店"}
        assert names({"kinds": ["enterprise"], "industries": ["62"], "licences": ["food_business"]}) == {"溧城饭店"}

    def test_no_object_counted_twice(self, world):
        # 溧城饭店 carries both tags: one row, one count.
        assert scope_match_count({"tags": ["catering", "key_supervision"]}) == 3

    def test_count_is_live(self, world):
        scope = {"tags": ["catering"]}
        assert scope_match_count(scope) == 2
        InspectionObject.objects.filter(pk=world["restaurant_b"].pk).update(status=InspectionObject.Status.CANCELLED)
        assert scope_match_count(scope) == 1

    def test_count_is_one_query_after_validation(self, world, django_assert_num_queries):
        scope = validate_scope({"tags": ["catering"], "industries": ["H"], "regions": ["320481"]})
        from spotcheck.catalog.scope_filter import apply_scope, inspectable_objects

        with django_assert_num_queries(1):
            assert apply_scope(inspectable_objects(), scope).count() == 2


class TestValidation:
    def test_canonical_form(self, world):
        assert validate_scope({"tags": ["key_supervision", "catering", "catering"], "kinds": [], "regions": None}) == {
            "tags": ["catering", "key_supervision"]
        }

    @pytest.mark.parametrize(
        ("scope", "message"),
        [
            ({"industry": ["H"]}, "抽查对象范围含有未知的条件“industry”"),
            ({"industries": ["H", "Q99"]}, "抽查对象范围的行业（industries）中，代码“Q99”不存在或已停用。"),
            ({"kinds": ["spaceship"]}, "抽查对象范围的对象类型（kinds）中，代码“spaceship”不存在或已停用。"),
            ({"licences": ["no_such"]}, "抽查对象范围的许可类别（licences）中，代码“no_such”不存在或已停用。"),
            ({"tags": ["nope"]}, "抽查对象范围的分类标注（tags）中，代码“nope”不存在或已停用。"),
            ({"regions": ["999999"]}, "抽查对象范围的区划（regions）中，代码“999999”不存在或已停用。"),
            ({"tags": "catering"}, "抽查对象范围的分类标注（tags）应为代码列表。"),
            ({"tags": [3]}, "抽查对象范围的分类标注（tags）含有无效的代码“3”。"),
            (["catering"], "抽查对象范围应为一个 JSON 对象。"),
        ],
    )
    def test_errors_name_key_and_value(self, world, scope, message):
        with pytest.raises(ValidationError) as exc_info:
            validate_scope(scope)
        assert any(message in m for m in exc_info.value.messages), exc_info.value.messages

    def test_inactive_tag_refused(self, world):
        TagFactory(code="retired_tag", name="旧标注", is_active=False)
        with pytest.raises(ValidationError):
            validate_scope({"tags": ["retired_tag"]})

    def test_all_errors_together(self, world):
        with pytest.raises(ValidationError) as exc_info:
            validate_scope({"tags": ["nope"], "regions": ["999999"]})
        assert len(exc_info.value.messages) == 2


def test_describe_scope_resolves_names(world, towns):
    lines = describe_scope({"kinds": ["individual"], "industries": ["H"], "regions": [towns[0].code], "tags": ["x"]})
    assert [(line.label, line.values) for line in lines] == [
        ("对象类型", ["个体工商户"]),
        ("行业", ["H 住宿和餐饮业"]),
        ("分类标注", ["x"]),
        ("区划", ["溧城街道"]),
    ]
