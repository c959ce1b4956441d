"""Reference list of 执法资格 (the qualifications an inspection item may require of inspectors).

Codes are stable: items, imports and draw records (DRAW-SPEC §4 slot "quals") refer to them.
This migration only creates what is missing and never overwrites a row that already exists.
"""

from django.db import migrations

QUALIFICATIONS = [
    ("general_enforcement", "行政执法资格（综合）", "持有效行政执法证件，可从事本部门职权范围内的行政执法检查。"),
    ("food_safety", "食品安全监管", "食品生产、经营（含餐饮服务）和食品添加剂监督检查。"),
    ("drug_device", "药品医疗器械监管", "药品、医疗器械、化妆品经营使用环节监督检查。"),
    (
        "special_equipment",
        "特种设备安全监察",
        "锅炉、压力容器、电梯、起重机械等特种设备安全监察，须持特种设备安全监察员证。",
    ),
    ("metrology", "计量监督", "计量器具、定量包装商品净含量及计量行为监督检查。"),
    ("product_quality", "产品质量监督", "生产、流通领域产品质量监督抽查及后处理。"),
    ("price", "价格监督检查", "明码标价、价格违法行为监督检查。"),
    ("advertising", "广告监管", "广告发布内容及广告经营活动监督检查。"),
    ("intellectual_property", "知识产权执法", "商标、专利、地理标志等知识产权保护执法检查。"),
    ("competition", "反不正当竞争执法", "不正当竞争行为、直销与传销监督检查。"),
    ("online_trade", "网络交易监管", "网络交易经营者、平台经营者监督检查。"),
    ("certification", "认证认可监管", "强制性产品认证、检验检测机构监督检查。"),
    ("standardization", "标准化监督", "企业标准自我声明公开及标准实施情况监督检查。"),
    ("fire_safety", "消防监督检查", "消防安全重点单位及公众聚集场所消防监督检查。"),
    ("ecology_environment", "生态环境执法", "排污许可、污染防治设施运行及环境影响评价执行情况检查。"),
    ("health_supervision", "卫生监督", "公共场所卫生、生活饮用水卫生、医疗机构执业及传染病防治监督检查。"),
    ("work_safety", "安全生产执法", "生产经营单位安全生产条件及危险化学品安全监督检查。"),
    ("tax_audit", "税务稽查", "纳税人依法纳税及发票使用情况检查。"),
    ("transport", "交通运输执法", "道路运输、水路运输及交通工程建设市场监督检查。"),
    ("culture_market", "文化市场执法", "文化、旅游、出版、广播电视市场综合执法检查。"),
    ("agriculture", "农业综合执法", "农药、兽药、饲料、种子、肥料及农产品质量安全监督检查。"),
    ("labour_security", "劳动保障监察", "用人单位遵守劳动用工、工资支付和社会保险规定情况监察。"),
    ("statistics", "统计执法", "统计调查对象依法提供统计资料情况检查。"),
    ("construction_market", "建筑市场监管", "建筑业企业资质、工程质量安全及建筑市场行为监督检查。"),
    ("natural_resources", "自然资源执法", "土地、矿产资源开发利用监督检查。"),
    ("water_administration", "水行政执法", "取水许可、河道管理范围内建设项目监督检查。"),
    ("commerce", "商务执法", "单用途商业预付卡、成品油流通、再生资源回收等商务领域监督检查。"),
    ("urban_management", "城市管理执法", "市容环境、户外广告设施、城市绿化等城市管理执法检查。"),
    ("public_security", "公安治安管理", "旅馆业、印章刻制业、娱乐场所等特种行业治安管理检查。"),
    ("customs_audit", "海关稽查", "进出口企业报关、保税货物及进出口商品检验稽查。"),
    ("education_inspection", "教育督导", "校外培训机构、民办学校办学行为督导检查。"),
    ("external_expert", "外部专家（技术）", "受邀参加检查的外部技术专家，提供专业技术支持，不单独行使执法权。"),
]


def add_qualifications(apps, schema_editor):
    Qualification = apps.get_model("inspectors", "Qualification")
    for code, name, description in QUALIFICATIONS:
        Qualification.objects.get_or_create(code=code, defaults={"name": name, "description": description})


class Migration(migrations.Migration):
    dependencies = [
        ("inspectors", "0002_availability_reason_and_constraints"),
    ]

    # Reversing leaves the rows: inspectors and items may already point at them.
    operations = [migrations.RunPython(add_qualifications, migrations.RunPython.noop)]
