"""Which 执法资格 (codes of the inspectors app's reference list) each department's inspectors
hold, beyond 行政执法资格（综合）, and what they are good at. 市场监管 staff specialise: each
holds one or two of its many fields."""

DEPARTMENT_QUALIFICATIONS: dict[str, tuple[str, ...]] = {
    "SCJG": (
        "food_safety",
        "drug_device",
        "special_equipment",
        "metrology",
        "product_quality",
        "price",
        "advertising",
        "intellectual_property",
        "competition",
        "online_trade",
        "certification",
        "standardization",
    ),
    "FGW": ("price",),
    "JY": ("education_inspection",),
    "GA": ("public_security",),
    "RS": ("labour_security",),
    "STHJ": ("ecology_environment",),
    "ZJ": ("construction_market",),
    "JT": ("transport",),
    "NYNC": ("agriculture",),
    "SW": ("commerce",),
    "WGL": ("culture_market",),
    "WSJK": ("health_supervision",),
    "YJGL": ("work_safety",),
    "TJ": ("statistics",),
    "SWJ": ("tax_audit",),
    "HG": ("customs_audit",),
    "XF": ("fire_safety",),
    "CG": ("urban_management",),
}

SPECIALTIES: dict[str, tuple[str, ...]] = {
    "SCJG": ("食品安全", "药品监管", "特种设备", "计量", "产品质量", "价格监督", "广告监测", "知识产权", "网络交易"),
    "FGW": ("招标投标", "价格成本监审"),
    "JY": ("民办教育管理", "校外培训治理"),
    "GA": ("治安管理", "特种行业管理"),
    "RS": ("劳动保障监察", "工资支付"),
    "STHJ": ("大气污染防治", "水污染防治", "固废管理", "环境监测"),
    "ZJ": ("建筑工程质量", "施工安全", "燃气管理", "物业管理"),
    "JT": ("道路运输", "工程质量监督", "危货运输"),
    "NYNC": ("农药兽药", "种子管理", "农产品质量安全"),
    "SW": ("成品油流通", "预付卡管理"),
    "WGL": ("文化市场", "旅游市场"),
    "WSJK": ("公共场所卫生", "医疗机构监管", "职业卫生", "饮用水卫生"),
    "YJGL": ("危险化学品", "工贸安全", "非煤矿山"),
    "TJ": ("统计执法", "统计数据质量"),
    "SWJ": ("发票管理", "出口退税"),
    "HG": ("海关稽查", "进出口商品检验"),
    "XF": ("消防监督", "火灾调查"),
    "CG": ("市容管理", "建筑垃圾"),
}

# External experts and third-party institutions (名称, 专业特长) hired by the departments.
EXTERNAL_EXPERT_EMPLOYERS: tuple[str, ...] = (
    "江苏理工学院",
    "常州工学院",
    "常州市特种设备检验检测研究院",
    "溧阳市人民医院",
    "常州市环境监测中心",
    "溧阳市建设工程质量检测站",
)
THIRD_PARTIES: tuple[str, ...] = (
    "常州市产品质量监督检验中心",
    "江苏省食品药品监督检验研究院常州分院",
    "溧阳市天目湖检测技术有限公司",
    "常州华测检测认证有限公司",
    "江苏中安安全技术咨询有限公司",
    "常州市环境科学研究院有限公司",
)
