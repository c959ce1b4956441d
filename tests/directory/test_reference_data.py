import pytest

from spotcheck.directory.models import Industry, LicenceKind, Tag

pytestmark = pytest.mark.django_db


def test_gbt_4754_2017_sections_and_divisions():
    sections = Industry.objects.filter(level="section")
    divisions = Industry.objects.filter(level="division")
    assert [s.code for s in sections] == list("ABCDEFGHIJKLMNOPQRST")
    assert [d.code for d in divisions] == [f"{n:02d}" for n in range(1, 98)]
    assert not divisions.filter(parent=None).exists()
    assert not sections.exclude(parent=None).exists()
    by_code = {i.code: i for i in Industry.objects.select_related("parent")}
    assert by_code["C"].name == "制造业"
    assert by_code["C"].children.count() == 31
    assert (by_code["62"].name, by_code["62"].parent.code) == ("餐饮业", "H")
    assert (by_code["11"].name, by_code["11"].parent.code) == ("开采专业及辅助性活动", "B")
    assert (by_code["97"].name, by_code["97"].parent.code) == ("国际组织", "T")


def test_licence_kinds_have_stable_codes_and_no_issuer():
    kinds = dict(LicenceKind.objects.values_list("code", "name"))
    assert kinds["food_business"] == "食品经营许可证"
    assert kinds["refined_oil_retail"] == "成品油零售经营批准证书"
    assert kinds["special_equipment_use"] == "特种设备使用登记证"
    assert len(kinds) >= 16
    assert not LicenceKind.objects.exclude(issuing_department=None).exists()


def test_tags():
    tags = dict(Tag.objects.values_list("code", "name"))
    for name in ["重点监管", "学校食堂", "特种设备使用单位", "涉危险化学品", "投诉举报较多", "涉企收费"]:
        assert name in tags.values()
    assert tags["key_supervision"] == "重点监管"
