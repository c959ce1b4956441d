"""Reference data: 分类标注 (the labels departments put on objects to scope their inspections)."""

from django.db import migrations

TAGS = [
    ("key_supervision", "重点监管", "列为重点监管对象，抽查比例和频次可以提高。"),
    ("food_production", "食品生产", "取得食品生产许可或登记的生产者、小作坊。"),
    ("food_sales", "食品销售", "从事食品销售（含网络销售）的经营者。"),
    ("catering", "餐饮服务", "餐馆、小吃店、中央厨房、集体用餐配送单位等。"),
    ("school_canteen", "学校食堂", "学校、幼儿园食堂及校外供餐单位。"),
    ("special_equipment_user", "特种设备使用单位", "使用锅炉、压力容器、电梯、起重机械等特种设备的单位。"),
    ("hazardous_chemicals", "涉危险化学品", "生产、储存、使用、经营危险化学品的单位。"),
    ("elderly_care", "养老机构", "提供集中居住和照料服务的养老机构。"),
    ("online_trader", "网络交易经营者", "通过网络平台或自建网站销售商品、提供服务的经营者。"),
    ("frequent_complaints", "投诉举报较多", "近期投诉举报较多，按规定提高抽查比例。"),
    ("small_micro", "小微企业", "按《中小企业划型标准规定》属于小型、微型的企业。"),
    ("enterprise_fees", "涉企收费", "向企业收取费用的单位（行业协会商会、中介机构、公用事业等）。"),
    ("drug_retail", "药品零售", "药品零售企业、连锁门店及单体药店。"),
    ("medical_device", "医疗器械经营", "从事医疗器械经营（含备案）的企业。"),
    ("cosmetics", "化妆品经营", "化妆品生产经营者。"),
    ("industrial_products", "重要工业产品生产", "纳入生产许可或重点监管目录的工业产品生产者。"),
    ("gas_station", "加油站", "成品油零售网点。"),
    ("construction_site", "在建工程", "正在施工的房屋建筑和市政工程项目。"),
    ("fire_safety_key", "消防安全重点单位", "公安机关消防机构确定的消防安全重点单位。"),
    ("public_place", "公共场所", "住宿、沐浴、美容美发、游泳等公共场所经营者。"),
    ("off_campus_training", "校外培训机构", "面向中小学生的校外培训机构。"),
    ("new_registration", "新设立市场主体", "成立不满一年的市场主体。"),
]


def load(apps, schema_editor):
    Tag = apps.get_model("directory", "Tag")
    for code, name, description in TAGS:
        Tag.objects.update_or_create(code=code, defaults={"name": name, "description": description, "is_active": True})


def unload(apps, schema_editor):
    # Only labels nobody uses go: removing a used one would silently untag objects.
    Tag = apps.get_model("directory", "Tag")
    Tag.objects.filter(code__in=[code for code, _, _ in TAGS], objects_tagged__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_licence_kinds")]

    operations = [migrations.RunPython(load, unload)]
