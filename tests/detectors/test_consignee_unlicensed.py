"""consignee_unlicensed on hand-made e-waybills: who receives hazardous goods without a permit."""

from __future__ import annotations

import json

import pytest

from detectors import consignee_unlicensed as det
from detectors.base import EVIDENCE
from tests.detectors import frames
from tests.detectors.truck_frames import AS_OF, TruckCounty, at


def _run(county: TruckCounty) -> dict[str, dict]:
    table = det.detect(county.finish(), AS_OF)
    assert table.schema.equals(EVIDENCE)
    return {r["site_id"]: r for r in table.to_pylist()}


def _firm(c: TruckCounty, site: str, uscc: str, name: str, east_m: float, scope: str | None = None
          ) -> None:
    lon, lat = at(east_m, 0)
    c.con.execute("insert into sites values (?, 'registry', ?, ?, null, null, ?, ?)",
                  [site, uscc, name, lon, lat])
    c.member(site, "registry", uscc, name=name)
    frames.insert(c.con, "registry", [dict(uscc=uscc, name=name, status="存续", lon=lon, lat=lat,
                                           scope=scope)])


def test_solvent_tankers_to_a_steel_firm_without_permit():
    """Three waybills of 二氯甲烷 name a steel-structure firm as consignee; it holds no permit."""
    c = TruckCounty()
    _firm(c, "S-steel", "91140828STEEL0001X", "山西广源钢结构有限公司", 0)
    for i, day in enumerate((10, 17, 24)):
        c.waybill(f"W{i}", "晋MA0001", day, "二氯甲烷", "山西广源钢结构有限公司")
    row = _run(c)["S-steel"]
    assert row["category_hint"] == "2"
    assert "3 车次危险货物" in row["reason"] and "二氯甲烷" in row["reason"]
    assert "收货人「山西广源钢结构有限公司」" in row["reason"]
    # no registered trade of a steel-structure firm uses tonnes of solvent: 1 − (1 − 0.35 × 1.5)³
    assert abs(row["score"] - (1 - (1 - 0.35 * det.Params().unrelated_factor) ** 3)) < 1e-3
    assert "登记经营范围与化学品无关" in row["reason"]
    assert json.loads(row["facts"])["chemical"] == 3


def test_a_trade_that_uses_chemicals_weighs_the_base():
    """One tanker of 二甲苯 to a paint maker (经营范围 涂料) and to a feed mill: the feed mill's
    weighs unrelated_factor more."""
    c = TruckCounty()
    _firm(c, "S-paint", "91140828PAINT0001X", "夏县彩虹建材有限公司", 0)
    c.con.execute("update registry set scope = '水性涂料、建筑材料销售' where uscc = '91140828PAINT0001X'")
    _firm(c, "S-feed", "91140828FEEDM0001X", "夏县丰收饲料有限公司", 3000)
    c.con.execute("update registry set scope = '饲料生产、销售' where uscc = '91140828FEEDM0001X'")
    c.waybill("W1", "晋MA0001", 20, "二甲苯", "夏县彩虹建材有限公司")
    c.waybill("W2", "晋MA0002", 20, "二甲苯", "夏县丰收饲料有限公司")
    rows = _run(c)
    assert rows["S-paint"]["score"] == det.Params().per_delivery
    assert "无关" not in rows["S-paint"]["reason"]
    assert abs(rows["S-feed"]["score"] - det.Params().per_delivery * det.Params().unrelated_factor) < 1e-3


def test_licensed_consignees_and_old_waybills_are_not_flagged():
    """A permit holder (beyond_permit's case) and deliveries older than the window: no row."""
    c = TruckCounty()
    _firm(c, "S-plant", "91140828PLANT0001X", "夏县兴旺化工有限公司", 0)
    c.permit("(晋)WH安许证字[2024]1", 0, 0, "安全生产许可", "盐酸")
    c.member("S-plant", "permit", "(晋)WH安许证字[2024]1")
    c.waybill("W1", "晋MA0001", 20, "甲苯", "夏县兴旺化工有限公司")
    _firm(c, "S-old", "91140828OLDFM0001X", "夏县旧厂有限公司", 3000)
    frames.insert(c.con, "waybills", [dict(waybill_no="W0", plate="晋MA0001", consignee="夏县旧厂有限公司",
                                           cargo="甲苯", ship_date=AS_OF.replace(month=9))])
    assert _run(c) == {}


def test_consumables_weigh_less_and_unknown_consignee_joins_by_unload_point():
    """A water works receives bleach twice (consumables, damped below min_score); a person
    ("个人") unloads 甲醇 150 m from a farmhouse account: the site is found by its point."""
    c = TruckCounty()
    _firm(c, "S-water", "91140828WATER0001X", "夏县自来水有限公司", 0)
    c.waybill("W1", "晋MA0001", 20, "次氯酸钠溶液", "夏县自来水有限公司")
    c.waybill("W2", "晋MA0001", 27, "次氯酸钠溶液", "夏县自来水有限公司")
    c.place("farm", 5000, 0)
    c.waybill("W3", "晋MB0002", 22, "甲醇", "个人", unload=at(5100, 0))
    rows = _run(c)
    assert "S-water" not in rows
    farm = rows["S-farm"]
    assert farm["category_hint"] == "3" and "卸货点在本场所" in farm["reason"]
    assert json.loads(farm["facts"])["by_unload_point"] is True


def test_a_name_two_sites_bear_goes_to_the_one_at_the_unload_point():
    """Two registrations named 夏县金鼎饲料有限公司 (8 km apart): the waybill's unload point
    sits at the second, so only the second receives the delivery."""
    c = TruckCounty()
    _firm(c, "S-one", "91140828FEED00001X", "夏县金鼎饲料有限公司", 0)
    _firm(c, "S-two", "91140828FEED00002X", "夏县金鼎饲料有限公司", 8000)
    c.waybill("W1", "晋MA0001", 20, "甲苯", "夏县金鼎饲料有限公司", unload=at(8000, 0))
    assert set(_run(c)) == {"S-two"}


def test_goods_the_consignees_own_trade_uses_weigh_in_trade_factor():
    """Three loads of 稀释剂 to a furniture maker (it sprays lacquer) and three of 二氯甲烷 to
    another: the thinner is the trade's own, weighs in_trade_factor and says so; the solvent
    no furniture maker uses keeps its full unrelated weight."""
    p = det.Params()
    c = TruckCounty()
    _firm(c, "S-furn", "91140828FURNI0001X", "夏县华美家具有限公司", 0)
    _firm(c, "S-furn2", "91140828FURNI0002X", "夏县美家家具有限公司", 3000)
    for i, day in enumerate((10, 17, 24)):
        c.waybill(f"W{i}", "晋MA0001", day, "稀释剂", "夏县华美家具有限公司")
        c.waybill(f"X{i}", "晋MA0002", day, "二氯甲烷", "夏县美家家具有限公司")
    rows = _run(c)
    own, other = rows["S-furn"], rows["S-furn2"]
    assert abs(own["score"] - (1 - (1 - p.per_delivery * p.in_trade_factor) ** 3)) < 1e-3  # 0.28
    assert abs(other["score"] - (1 - (1 - p.per_delivery * p.unrelated_factor) ** 3)) < 1e-3  # 0.89
    assert "3 车次为本单位登记行业自用的物资：涂装" in own["reason"] and "无关" not in own["reason"]
    assert json.loads(own["facts"])["in_trade"] == 3 and "自用" not in other["reason"]


def test_a_raw_material_of_the_declared_product_is_in_trade():
    """丙烯酸 by tanker to a concrete-admixture maker (its scope: 聚羧酸减水剂 production, a
    product that is no hazardous chemical) is its raw material; the same loads to a firm whose
    trade names no such product stay unrelated."""
    p = det.Params()
    c = TruckCounty()
    _firm(c, "S-adm", "91140828ADMIX0001X", "夏县益通建材科技有限公司", 0,
          scope="混凝土外加剂（聚羧酸减水剂）生产、销售；建材销售")
    _firm(c, "S-shop", "91140828SHOP00001X", "夏县益通商贸有限公司", 3000, scope="日用百货销售")
    for i, day in enumerate((10, 17, 24)):
        c.waybill(f"W{i}", "晋MA0001", day, "丙烯酸", "夏县益通建材科技有限公司")
        c.waybill(f"X{i}", "晋MA0002", day, "丙烯酸", "夏县益通商贸有限公司")
    rows = _run(c)
    assert "本单位登记行业自用的物资：生产原料" in rows["S-adm"]["reason"]
    assert abs(rows["S-adm"]["score"] - (1 - (1 - p.per_delivery * p.in_trade_factor) ** 3)) < 1e-3
    assert "自用" not in rows["S-shop"]["reason"] and rows["S-shop"]["score"] > 0.8


@pytest.mark.parametrize(("name", "cargo", "use"), [
    ("夏县瑞丰印染有限公司", "乙酸", "漂染助剂"),
    ("夏县华源造纸有限公司", "冰醋酸", "漂染助剂"),
    ("夏县热电有限公司", "液氨", "脱硝还原剂"),
    ("夏县中条山水泥有限公司", "液氨", "脱硝还原剂"),
    ("夏县人民医院", "乙醇", "医用"),
    ("夏县鸿运彩印有限公司", "异丙醇", "印刷溶剂"),
])
def test_more_trades_that_use_what_they_receive(name, cargo, use):
    """Goods these trades use themselves (bleaching, denitration, disinfection, printing) weigh
    in_trade_factor; the same goods to a trading firm stay unrelated."""
    c = TruckCounty()
    _firm(c, "S-user", "91140828USER00001X", name, 0)
    _firm(c, "S-shop", "91140828SHOP00001X", "夏县益通商贸有限公司", 3000, scope="日用百货销售")
    for i, day in enumerate((10, 17, 24)):
        c.waybill(f"W{i}", "晋MA0001", day, cargo, name)
        c.waybill(f"X{i}", "晋MA0002", day, cargo, "夏县益通商贸有限公司")
    rows = _run(c)
    assert "自用" not in rows["S-shop"]["reason"]
    assert f"本单位登记行业自用的物资：{use}" in rows["S-user"]["reason"]
    assert rows["S-user"]["score"] < rows["S-shop"]["score"]
