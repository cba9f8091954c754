"""chem_terms: the hazardous-chemical vocabulary and the clause reader of 经营范围."""

from __future__ import annotations

import pytest

from detectors import chem_terms as ct

REAL_TRADER = ("许可项目：危险化学品经营；成品油零售（限危险化学品）。（依法须经批准的项目，经相关部门"
               "批准后方可开展经营活动）一般项目：化工产品销售（不含许可类化工产品）；专用化学产品销售"
               "（不含危险化学品）；肥料销售；五金产品零售")


def test_vocabulary_is_loaded_and_safe():
    """584 table rows give well over a thousand names and aliases; none is a single character,
    an ASCII code (4049, TNT) or an ordinary word (沼气, 马拉松)."""
    terms = {t.term: t for t in ct.hazchem_terms()}
    assert len(terms) > 1000
    assert all(len(t) >= 2 for t in terms)
    assert not {"苯", "氨", "氯", "4049", "TNT", "沼气", "马拉松", "樟脑"} & set(terms)
    assert terms["双氧水"].canonical == "过氧化氢溶液"
    assert terms["二氯甲烷"].canonical == "二氯甲烷"
    assert terms["丙烯腈"].canonical == "2-丙烯腈"  # a locant-free variant of one entry
    assert terms["二氯乙烷"].canonical == "二氯乙烷"  # shared by 1,1- and 1,2-: itself
    assert terms["醋酸"].canonical == "乙酸"


@pytest.mark.parametrize(("text", "expected"), [
    ("双氧水", ["过氧化氢溶液"]),
    ("过氧化氢溶液、硫酸", ["硫酸", "过氧化氢溶液"]),
    ("硫酸钾、硫酸亚铁", []),  # salts, not the acid
    ("聚乙烯、聚氯乙烯、聚四氟乙烯", []),  # polymers, not monomers
    ("除甲醛服务", []),
    ("二氯甲烷(99.9%)", ["二氯甲烷"]),
    ("", []),
    (None, []),
])
def test_chemicals_in(text, expected):
    assert ct.chemicals_in(text) == expected


@pytest.mark.parametrize(("scope", "score_min", "score_max", "flags"), [
    # production of named hazardous chemicals
    ("危险化学品生产（硫酸、过氧化氢溶液）；化工产品销售（不含许可类化工产品）", 0.9, 0.95, {}),
    ("水性涂料、氯化石蜡、二氯甲烷生产", 0.88, 0.95, {}),
    # a 化工 word in production, declared non-hazardous: half weight
    ("专用化学产品制造（不含危险化学品）", 0.2, 0.35, {"negated": True}),
    # trade: a permit on paper, fuel retail, agricultural retail, cosmetics
    ("危险化学品经营（不带储存设施）；化工产品、建材、五金销售", 0, 0, {}),
    ("汽油、柴油零售；润滑油、预包装食品零售", 0, 0, {"fuel_trade": True}),
    ("化肥、农药（不含危险化学品）、种子、农膜零售；农业技术咨询服务", 0, 0, {"agri_trade": True}),
    ("日用化学品、化妆品销售", 0, 0, {}),
    ("柴油发电机组、汽油机销售、租赁；农机维修", 0, 0, {"fuel_trade": False}),
    ("复合肥生产、销售；食品添加剂生产", 0.1, 0.25, {}),  # fertiliser blending: weak
    # items: a verb belongs to its own 、-item, or to the items before it
    ("塑料制品制造、化工产品销售、五金零售", 0, 0, {"has_production": True}),
    ("生产、销售：油漆、稀释剂", 0.7, 0.8, {}),
    ("医药中间体（不含危险化学品）的研发、生产、销售", 0.4, 0.45, {"negated": True}),
    ("合成材料销售；新材料技术研发；技术服务", 0, 0, {"service_only": True}),
    # a licensed plant's 许可项目 is not halved by the negations of its 一般项目
    ("许可项目：危险化学品生产。一般项目：专用化学产品制造（不含危险化学品）", 0.8, 0.8, {}),
    (REAL_TRADER, 0, 0, {"fuel_trade": True, "agri_trade": True}),
    # manufacturing without chemistry; plastics (polymers) are not monomers
    ("塑料管材、聚乙烯、聚氯乙烯薄膜生产销售", 0, 0, {"service_only": False}),
    ("饲料生产、销售；粮食收购", 0, 0, {}),
    # office-only scopes
    ("生物技术、新材料技术开发、技术咨询、技术服务；化工产品销售（不含许可类化工产品）", 0, 0,
     {"service_only": True}),
    ("食用菌种植、销售；生物技术推广", 0, 0, {"service_only": False}),
    # an internet café registered as a 网络科技 firm: its machines explain its load
    ("互联网上网服务；网络技术开发；软件开发", 0, 0, {"service_only": False}),
    # machinery named for the trade it serves is no chemistry (3521 炼油、化工生产专用设备制造)
    ("炼油、化工生产专用设备制造；机械设备销售", 0, 0, {"has_production": True}),
    ("化工泵、阀门、管道配件生产、销售", 0, 0, {}),
    # water-based and waterproof coatings, resin tiles: weak, not a 涂料/树脂 plant
    ("真石漆、乳胶漆生产、销售", 0.2, 0.3, {}),
    ("合成树脂瓦、树脂工艺品生产", 0, 0.15, {}),
    ("溶剂型涂料、稀释剂生产", 0.7, 0.8, {}),
    # 成品油批发（不含危险化学品）: the unlicensed item (lubricants), no fuel trade
    ("成品油批发（不含危险化学品）；润滑油销售", 0, 0, {"fuel_trade": False}),
    # words produced only under a 不含危险化学品 note are told apart from the others
    ("许可项目：危险化学品生产。一般项目：化工产品生产（不含许可类化工产品）", 0.8, 0.8,
     {"negated_words": ["化工产品"]}),
    (None, 0, 0, {"service_only": False}),
])
def test_analyse_scope(scope, score_min, score_max, flags):
    facts = ct.analyse_scope(scope)
    assert score_min <= facts.score() <= score_max, facts
    for name, value in flags.items():
        assert getattr(facts, name) == value, (name, facts)


def test_code_table_weights_fertiliser_and_cosmetics_low():
    codes = dict(zip(ct.code_table().column("code").to_pylist(),
                     ct.code_table().column("code_weight").to_pylist(), strict=True))
    assert len(codes) == 47
    assert codes["2614"] == ct.CODE_DEFAULT
    assert codes["2625"] < codes["2624"] < codes["2614"]
    assert codes["2682"] < 0.2
