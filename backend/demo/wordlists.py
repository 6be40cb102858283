"""Word lists and reference tables for the synthetic demo data.

Everything here is fictional or public classification data. Names are built from
neutral characters so no generated name belongs to a real person or company
("某" in a personal name is how Chinese public notices anonymise people).
"""

from __future__ import annotations

from typing import NamedTuple

# Tai'an divisions (GB/T 2260) plus two local jurisdiction codes for areas that
# have no national code. Kept to these four keys so callers can load rows as-is.
TAIAN_DIVISIONS: list[dict[str, str]] = [
    {"code": "370900", "name_zh": "泰安市", "name_en": "Tai'an City", "kind": "city"},
    {"code": "370902", "name_zh": "泰山区", "name_en": "Taishan District", "kind": "district"},
    {"code": "370911", "name_zh": "岱岳区", "name_en": "Daiyue District", "kind": "district"},
    {"code": "370921", "name_zh": "宁阳县", "name_en": "Ningyang County", "kind": "county"},
    {"code": "370923", "name_zh": "东平县", "name_en": "Dongping County", "kind": "county"},
    {"code": "370982", "name_zh": "新泰市", "name_en": "Xintai City", "kind": "county_city"},
    {"code": "370983", "name_zh": "肥城市", "name_en": "Feicheng City", "kind": "county_city"},
    {"code": "L37090A", "name_zh": "泰安高新技术产业开发区", "name_en": "Tai'an High-tech Zone",
     "kind": "zone"},
    {"code": "L37090B", "name_zh": "泰山景区", "name_en": "Mount Tai Scenic Area", "kind": "zone"},
]


class DivisionProfile(NamedTuple):
    """How demo entities are spread over a division."""

    weight: float  # share of entities, roughly by population and economy
    lat: float  # approximate centre of the seat or zone
    lon: float
    spread: float  # half-width of the jitter box, in degrees
    registration_code: str  # GB/T 2260 code used inside credit codes
    short_name: str  # prefix of individual-business names
    address_prefix: str  # start of a postal address
    name_prefix: str  # administrative prefix in enterprise names


# Zones register through the city bureau in this demo, hence 370900 in their codes.
DIVISION_PROFILES: dict[str, DivisionProfile] = {
    "370900": DivisionProfile(0.05, 36.200, 117.090, 0.04, "370900", "泰安", "泰安市", "泰安市"),
    "370902": DivisionProfile(0.17, 36.190, 117.130, 0.06, "370902", "泰山", "泰安市泰山区", "泰安市泰山区"),
    "370911": DivisionProfile(0.17, 36.180, 117.040, 0.10, "370911", "岱岳", "泰安市岱岳区", "泰安市岱岳区"),
    "370921": DivisionProfile(0.10, 35.760, 116.800, 0.10, "370921", "宁阳", "泰安市宁阳县", "宁阳县"),
    "370923": DivisionProfile(0.10, 35.940, 116.470, 0.10, "370923", "东平", "泰安市东平县", "东平县"),
    "370982": DivisionProfile(0.17, 35.910, 117.770, 0.10, "370982", "新泰", "泰安市新泰市", "新泰市"),
    "370983": DivisionProfile(0.14, 36.180, 116.770, 0.10, "370983", "肥城", "泰安市肥城市", "肥城市"),
    "L37090A": DivisionProfile(0.08, 36.150, 117.200, 0.03, "370900", "高新", "泰安市高新区", "泰安"),
    "L37090B": DivisionProfile(0.02, 36.250, 117.100, 0.03, "370900", "岱顶", "泰安市泰山景区", "泰安"),
}

# Bounding box of Tai'an (the prefecture reaches about 117.98°E at Xintai).
TAIAN_BOUNDS = {"lat_min": 35.60, "lat_max": 36.50, "lon_min": 116.30, "lon_max": 118.00}


class IndustryProfile(NamedTuple):
    """One GB/T 4754-2017 entry and the words used to name entities in it."""

    code: str
    name_zh: str
    name_en: str
    weight: float
    company_words: tuple[str, ...]  # the line-of-business part of a company name
    shop_words: tuple[str, ...]  # individual-business name endings; empty = none
    cooperative_words: tuple[str, ...] = ()  # agricultural cooperatives only


# Division (2-digit) codes, and 4-digit classes only where checked against the
# 2017 table; weights reflect a town's mix, not statistics.
INDUSTRY_PROFILES: tuple[IndustryProfile, ...] = (
    IndustryProfile("A01", "农业", "Agriculture", 2, ("农业开发",), ("果蔬种植园",), ("果蔬种植", "粮食种植")),
    IndustryProfile("A03", "畜牧业", "Animal husbandry", 1.5, ("畜牧",), ("养殖场",), ("畜禽养殖",)),
    IndustryProfile("A05", "农、林、牧、渔专业及辅助性活动", "Support activities for agriculture", 1,
                    ("农业服务",), ("农机服务部",), ("农机服务", "植保服务")),
    IndustryProfile("C1392", "豆制品制造", "Soybean products", 2, ("豆制品",), ("豆腐坊",)),
    IndustryProfile("C1411", "糕点、面包制造", "Pastry and bread", 2, ("食品",), ("糕点坊",)),
    IndustryProfile("C1431", "米、面制品制造", "Rice and flour products", 1.5, ("面业",), ("面食坊",)),
    IndustryProfile("C1512", "白酒制造", "Liquor (baijiu) making", 0.8, ("酒业",), ()),
    IndustryProfile("C26", "化学原料和化学制品制造业", "Chemical materials and products", 1,
                    ("化工", "精细化工"), ()),
    IndustryProfile("C29", "橡胶和塑料制品业", "Rubber and plastic products", 1, ("塑料制品", "橡塑"), ()),
    IndustryProfile("C30", "非金属矿物制品业", "Non-metallic mineral products", 1, ("建材", "石材"), ()),
    IndustryProfile("C33", "金属制品业", "Fabricated metal products", 1.2, ("金属制品",), ("五金加工部",)),
    IndustryProfile("C34", "通用设备制造业", "General-purpose machinery", 1.5, ("起重机械", "锅炉", "机械"), ()),
    IndustryProfile("C35", "专用设备制造业", "Special-purpose machinery", 1, ("矿山机械", "专用设备"), ()),
    IndustryProfile("C38", "电气机械和器材制造业", "Electrical machinery and equipment", 1, ("电气", "电缆"), ()),
    IndustryProfile("D45", "燃气生产和供应业", "Gas production and supply", 0.4, ("燃气",), ()),
    IndustryProfile("E47", "房屋建筑业", "Building construction", 1.5, ("建筑工程",), ()),
    IndustryProfile("F51", "批发业", "Wholesale trade", 5, ("商贸", "贸易"), ("批发部",)),
    IndustryProfile("F52", "零售业", "Retail trade", 6, ("商贸",), ("日用品店", "五金店", "水果店")),
    IndustryProfile("F5212", "超级市场零售", "Supermarkets", 3, ("超市",), ("超市",)),
    IndustryProfile("F5213", "便利店零售", "Convenience stores", 5, ("便利店管理",), ("便利店",)),
    IndustryProfile("H6110", "旅游饭店", "Tourist hotels", 1, ("酒店管理",), ()),
    IndustryProfile("H6130", "民宿服务", "Guesthouses", 1, ("民宿",), ("民宿",)),
    IndustryProfile("H6210", "正餐服务", "Restaurants", 5, ("餐饮管理",), ("饭店", "菜馆")),
    IndustryProfile("H6220", "快餐服务", "Fast food", 4, ("餐饮",), ("快餐店",)),
    IndustryProfile("H6291", "小吃服务", "Snack bars", 4, ("餐饮",), ("小吃部", "煎饼铺")),
    IndustryProfile("L72", "商务服务业", "Business services", 3, ("企业管理咨询", "商务服务"), ()),
    IndustryProfile("L7291", "旅行社及相关服务", "Travel agencies", 0.8, ("旅行社",), ()),
    IndustryProfile("M74", "专业技术服务业", "Professional technical services", 1, ("检测技术", "工程技术"), ()),
    IndustryProfile("N7861", "名胜风景区管理", "Scenic area management", 0.3, ("旅游开发",), ()),
    IndustryProfile("O8040", "理发及美容服务", "Hairdressing and beauty", 3, ("美容美发",), ("理发店", "美容店")),
    IndustryProfile("O81", "机动车、电子产品和日用产品修理业", "Repair of vehicles and household goods", 2,
                    ("汽车服务",), ("汽修部", "家电维修部")),
    IndustryProfile("R90", "娱乐业", "Entertainment", 0.8, ("文化娱乐",), ()),
)

INDUSTRIES: list[dict[str, str]] = [
    {"code": p.code, "name_zh": p.name_zh, "name_en": p.name_en} for p in INDUSTRY_PROFILES
]

# Common surnames; with "某" and one given character they cannot name anyone.
SURNAMES = tuple(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
)
GIVEN_CHARS = tuple("华明军敏静丽强磊洋艳勇杰娟涛超秀霞平刚芳燕鹏玲辉宁伟梅斌红峰兰东萍")

# Trade names (字号): two characters, first from one list and second from another,
# chosen as pleasant but generic words rather than existing brands.
TRADE_FIRST = tuple("青禾松岚泉汇晨丰和瑞云拓溪嘉川柏启临朗沐鸿澄晴远鼎恒邦弘诚")
TRADE_SECOND = tuple("源野石川岭谷渡原林桥舟塘湾岳坊苑庐峪屿亭泽田隅畔庄溪")

# Street names say plainly that they are examples, so no address is a real one.
STREET_WORDS = ("示范", "样本", "演示", "试点", "模拟", "范例", "样板", "示例")
STREET_DIRECTIONS = ("", "东", "西", "南", "北")
STREET_SUFFIXES = ("路", "街", "大街")
