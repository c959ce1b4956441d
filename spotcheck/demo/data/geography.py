"""The demo region: 溧阳市 (GB/T 2260 320481) in 常州市, 江苏省, with its 3 streets and 9 towns.

Town codes follow the statistical convention (county code + 3 digits: 0xx for 街道, 1xx for 镇).
``weight`` is the town's rough share of the county's market entities (the seat and the
development zones hold most of them); ``roads`` and ``villages`` make plausible addresses.
"""

from __future__ import annotations

from dataclasses import dataclass

PROVINCE = ("320000", "江苏省")
CITY = ("320400", "常州市")
COUNTY = ("320481", "溧阳市")
COUNTY_CODE = COUNTY[0]
COUNTY_NAME = COUNTY[1]


@dataclass(frozen=True)
class Town:
    code: str
    name: str
    is_street: bool
    weight: int
    roads: tuple[str, ...]
    villages: tuple[str, ...]


TOWNS: tuple[Town, ...] = (
    Town(
        "320481001",
        "溧城街道",
        True,
        26,
        (
            "南环路",
            "北门路",
            "燕山路",
            "平陵路",
            "罗湾路",
            "育才路",
            "东大街",
            "西大街",
            "大营巷",
            "府前路",
            "鹏程路",
            "溧城中路",
        ),
        ("八字桥", "东升", "西郊", "南门", "三胜"),
    ),
    Town(
        "320481002",
        "昆仑街道",
        True,
        18,
        ("昆仑北路", "泓口路", "永和路", "上上路", "龙潭路", "天目湖大道", "中关村大道", "码头西街", "江东路"),
        ("方里", "平陵", "城北", "东门", "湾头"),
    ),
    Town(
        "320481003",
        "古县街道",
        True,
        9,
        ("古县路", "芜申路", "前进路", "新昌路", "塘东路", "园区大道"),
        ("古县", "新昌", "周城", "塘东", "蒋店"),
    ),
    Town(
        "320481101",
        "埭头镇",
        False,
        6,
        ("埭头大街", "长荡湖路", "埭西路", "前马路", "工业园路"),
        ("埭头", "前马", "后周", "歌岐", "凌塘"),
    ),
    Town(
        "320481102",
        "上黄镇",
        False,
        5,
        ("上黄大街", "南山路", "水母山路", "浒西路", "黄山湖路"),
        ("上黄", "浒西", "南山", "丁庄", "前化"),
    ),
    Town(
        "320481103",
        "戴埠镇",
        False,
        6,
        ("戴埠大街", "南山竹海路", "李家园路", "新桥路", "横涧路"),
        ("戴埠", "李家园", "横涧", "松岭", "杨家村"),
    ),
    Town(
        "320481104",
        "天目湖镇",
        False,
        7,
        ("天目湖大道", "环湖路", "平桥路", "沙河路", "吴村路", "涵田路"),
        ("平桥", "沙河", "吴村", "梅岭", "桂林", "龙兴"),
    ),
    Town(
        "320481105",
        "别桥镇",
        False,
        5,
        ("别桥大街", "塘马路", "后六路", "黄墟路", "园区路"),
        ("别桥", "塘马", "后六", "黄墟", "湖边"),
    ),
    Town(
        "320481106",
        "上兴镇",
        False,
        5,
        ("上兴大街", "曹山路", "余家坝路", "牛马塘路", "工业集中区路"),
        ("上兴", "曹山", "余家坝", "牛马塘", "东兴"),
    ),
    Town(
        "320481107",
        "竹箦镇",
        False,
        4,
        ("竹箦大街", "陆笪路", "水西路", "南渚路", "竹园路"),
        ("竹箦", "陆笪", "水西", "南渚", "前进"),
    ),
    Town(
        "320481108",
        "南渡镇",
        False,
        5,
        ("南渡大街", "庆丰路", "新渡路", "强埠路", "旧县路"),
        ("南渡", "庆丰", "旧县", "强埠", "新渡"),
    ),
    Town(
        "320481109",
        "社渚镇",
        False,
        4,
        ("社渚大街", "嵩山路", "河口路", "周城路", "青龙路"),
        ("社渚", "嵩山", "河口", "周城", "青龙"),
    ),
)

TOWN_NAMES: tuple[str, ...] = tuple(t.name for t in TOWNS)
