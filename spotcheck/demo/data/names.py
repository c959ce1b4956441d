"""Parts for plausible Chinese names of people and businesses.

Surnames lean to those common in 溧阳 (史, 狄, 彭, 潘 …) on top of the national list; 字号
characters are the auspicious ones business names are usually built from.
"""

# (surname, weight): weights are rough per-mille frequencies.
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 70),
    ("陈", 60),
    ("张", 55),
    ("李", 50),
    ("周", 40),
    ("吴", 38),
    ("徐", 36),
    ("史", 34),
    ("彭", 26),
    ("潘", 24),
    ("蒋", 24),
    ("狄", 20),
    ("朱", 22),
    ("刘", 22),
    ("杨", 18),
    ("黄", 16),
    ("孙", 16),
    ("钱", 14),
    ("马", 12),
    ("沈", 12),
    ("谢", 12),
    ("许", 12),
    ("汤", 10),
    ("芮", 10),
    ("曹", 10),
    ("葛", 10),
    ("邵", 9),
    ("陆", 9),
    ("顾", 9),
    ("夏", 8),
    ("姜", 8),
    ("丁", 8),
    ("胡", 8),
    ("任", 7),
    ("孔", 7),
    ("戴", 7),
    ("宋", 7),
    ("唐", 7),
    ("冯", 7),
    ("赵", 7),
    ("郑", 6),
    ("韩", 6),
    ("董", 6),
    ("袁", 6),
    ("姚", 6),
    ("卢", 5),
    ("殷", 5),
    ("濮", 5),
    ("虞", 4),
    ("储", 4),
    ("缪", 4),
    ("贺", 4),
    ("毛", 4),
    ("范", 4),
    ("严", 4),
    ("宗", 3),
)

GIVEN_CHARS: tuple[str, ...] = tuple(
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍建国红梅林波辉鹏飞斌宇浩凯健俊峰"
    "婷雪琳晨欣怡佳蕾倩颖文志新海亮云春燕晓东丹亚宏庆国良成荣祥雯慧"
)

# Characters for 字号 (trade names); two are drawn per name.
TRADE_CHARS: tuple[str, ...] = tuple(
    "华盛鑫源恒达通宏信德瑞祥泰丰隆昌兴旺嘉永金汇博宇天润锦诚安康明佳中海新鼎凯荣正顺益建裕辉"
    "峰航晟睿森远创科时骏阳光美福乐和众联合成利富豪卓越亿力茂群达宝龙腾飞奥星晶晖灿"
)

# Place-like 字号 used on their own (山水 of 溧阳: 天目湖, 南山, 长荡湖, 曹山 …).
PLACE_TRADE_NAMES: tuple[str, ...] = (
    "天目湖",
    "南山",
    "长荡湖",
    "曹山",
    "平陵",
    "溧水",
    "燕山",
    "伍员",
    "濑江",
    "上林",
    "竹海",
    "御水",
)

# Individual shops are often named after their owner: 张记, 老王, 阿芳 …
SHOP_NAME_PATTERNS: tuple[str, ...] = ("{surname}记", "老{surname}", "阿{given}", "{given}{given}", "{trade}")

# 企业 organisation forms with weights.
ENTERPRISE_FORMS: tuple[tuple[str, int], ...] = (
    ("有限公司", 80),
    ("有限责任公司", 8),
    ("股份有限公司", 3),
    ("厂", 4),
    ("经营部", 3),
    ("合伙企业（有限合伙）", 2),
)

# Name prefixes with weights: most local companies start with the county's name.
ENTERPRISE_PREFIXES: tuple[tuple[str, int], ...] = (
    ("溧阳市", 55),
    ("溧阳", 20),
    ("江苏", 15),
    ("常州", 10),
)

POSTS: tuple[str, ...] = (
    "科员",
    "一级科员",
    "四级主任科员",
    "三级主任科员",
    "副科长",
    "科长",
    "执法大队队员",
    "中队长",
)
TITLES: tuple[str, ...] = ("", "", "", "助理工程师", "工程师", "高级工程师", "主管药师", "主治医师")
