"""Reference data: the national licence kinds an inspection object may hold.

Codes are stable identifiers used by imports, item scopes and the API; the issuing
department is left empty because which local department issues a licence differs between
regions (an administrator sets it).
"""

from django.db import migrations

LICENCE_KINDS = [
    ("food_business", "食品经营许可证"),
    ("food_production", "食品生产许可证"),
    ("drug_business", "药品经营许可证"),
    ("drug_production", "药品生产许可证"),
    ("medical_device_business", "医疗器械经营许可证"),
    ("medical_device_production", "医疗器械生产许可证"),
    ("cosmetics_production", "化妆品生产许可证"),
    ("industrial_product", "全国工业产品生产许可证"),
    ("special_equipment_use", "特种设备使用登记证"),
    ("special_equipment_production", "特种设备生产许可证"),
    ("pollutant_discharge", "排污许可证"),
    ("hazardous_waste_business", "危险废物经营许可证"),
    ("hazardous_chemicals_business", "危险化学品经营许可证"),
    ("safety_production", "安全生产许可证"),
    ("fireworks_retail", "烟花爆竹经营（零售）许可证"),
    ("medical_institution", "医疗机构执业许可证"),
    ("construction_safety", "建筑施工企业安全生产许可证"),
    ("road_transport", "道路运输经营许可证"),
    ("tobacco_retail", "烟草专卖零售许可证"),
    ("entertainment", "娱乐经营许可证"),
    ("internet_culture", "网络文化经营许可证"),
    ("public_place_hygiene", "公共场所卫生许可证"),
    ("publication_business", "出版物经营许可证"),
    ("hr_service", "人力资源服务许可证"),
    ("refined_oil_retail", "成品油零售经营批准证书"),
    ("gas_business", "燃气经营许可证"),
    ("drainage", "城镇污水排入排水管网许可证"),
    ("water_intake", "取水许可证"),
    ("travel_agency", "旅行社业务经营许可证"),
    ("special_trade_hotel", "特种行业许可证（旅馆业）"),
    ("security_service", "保安服务许可证"),
    ("private_school", "民办学校办学许可证"),
    ("veterinary_drug_business", "兽药经营许可证"),
    ("pesticide_business", "农药经营许可证"),
    ("seed_business", "农作物种子生产经营许可证"),
    ("feed_production", "饲料生产许可证"),
    ("animal_epidemic_prevention", "动物防疫条件合格证"),
    ("telecom_value_added", "增值电信业务经营许可证"),
]


def load(apps, schema_editor):
    LicenceKind = apps.get_model("directory", "LicenceKind")
    for code, name in LICENCE_KINDS:
        LicenceKind.objects.update_or_create(code=code, defaults={"name": name})


def unload(apps, schema_editor):
    LicenceKind = apps.get_model("directory", "LicenceKind")
    LicenceKind.objects.filter(code__in=[code for code, _ in LICENCE_KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0004_industry_gbt4754_2017")]

    operations = [migrations.RunPython(load, unload)]
