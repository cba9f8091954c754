"""disguised_name on hand-made 生物/科技/新材料 firms."""

from __future__ import annotations

import datetime as dt

from detectors import disguised_name as det
from detectors.base import EVIDENCE
from tests.detectors.chem_demo import connect as demo_connect
from tests.detectors.chem_demo import decoy_sites, demo_county, planted_site, scores
from tests.detectors.chem_frames import by_site, site, uscc
from tests.detectors.frames import AS_OF, account, connect, daily, hours, insert, interval

TECH = "生物技术开发、技术咨询、技术服务、技术转让；化工产品销售（不含许可类化工产品）"


def frame():
    """Seven firms, one site each (D<n>).

    D1 生物科技, tech-only scope, 大工业 630 kVA, 60 kWh/day of which 45% at night, one 甲苯
    delivery: the disguise. D2 生物科技 doing software: single-phase office load. D3 新材料
    making window frames: heavy load explained by its production scope. D4 名称 without a
    disguise word, same behaviour as D1. D5 科技 whose scope itself produces 医药中间体. D6 科技,
    tech-only, revoked (吊销): not read. D7 生物科技 with NULL scope and no meter.
    """
    con = connect("registry", "permits", "power_accounts", "power_readings_daily",
                  "power_readings_interval", "waybills")
    rows = [(1, "山西嘉禾生物科技有限公司", TECH, "存续"),
            (2, "夏县锦程生物科技有限公司", "软件开发；生物技术服务；信息技术咨询", "存续"),
            (3, "夏县兴旺新材料科技有限公司", "塑钢门窗、铝合金型材加工；新型建筑材料销售", "存续"),
            (4, "夏县嘉禾贸易有限公司", TECH, "存续"),
            (5, "夏县恒达科技有限公司", "医药中间体生产、销售；技术服务", "存续"),
            (6, "夏县旧科技有限公司", TECH, "吊销"),
            (7, "夏县空生物科技有限公司", None, "存续")]
    insert(con, "registry", [dict(uscc=uscc(n), name=name, scope=scope, status=status,
                                  address=f"测试村{n}号") for n, name, scope, status in rows])
    insert(con, "power_accounts", [
        account("A1", "大工业用电", contract_kva=630.0), account("A2", three_phase=False),
        account("A3", contract_kva=125.0), account("A4", "大工业用电", contract_kva=630.0),
        account("A5"), account("A6", "大工业用电", contract_kva=630.0)])
    night_heavy = hours(2.0, 3.4)  # 8 night hours of 3.4 kWh: ~45% of 60 kWh
    insert(con, "power_readings_daily", daily("A1", [60.0] * 40) + daily("A2", [25.0] * 40)
           + daily("A3", [520.0] * 40) + daily("A4", [60.0] * 40) + daily("A5", [300.0] * 40)
           + daily("A6", [60.0] * 40))
    insert(con, "power_readings_interval", interval("A1", night_heavy, 28)
           + interval("A4", night_heavy, 28))
    insert(con, "waybills", [dict(waybill_no="W1", plate="晋MA1", consignee=rows[0][1],
                                  unload_address="x", cargo="甲苯",
                                  ship_date=AS_OF - dt.timedelta(days=4))])
    for n in range(1, 8):
        members = [("registry", uscc(n))] + ([("power_account", f"A{n}")] if n < 7 else [])
        site(con, f"D{n}", *members)
    return con


def test_planted_and_decoys():
    rows = by_site(det.detect(frame(), AS_OF))
    assert set(rows) == {"D1", "D5"}
    d1 = rows["D1"]
    assert d1["score"] > 0.8 and d1["category_hint"] == "5"
    for text in ("名称冠“生物”", "大工业用电", "630 kVA", "夜间(22–6时)用电占 4", "甲苯"):
        assert text in d1["reason"], text
    assert "医药中间体" in rows["D5"]["reason"]


def test_a_chemical_trade_code_is_no_disguise():
    """D1 registered under 2662 (专项化学用品制造) declares its chemistry: not a disguise (its
    lack of a permit is chemical_unlicensed's finding); under 7320 it is."""
    con = frame()
    con.execute(f"update registry set industry_code = '7320' where uscc = '{uscc(1)}'")
    assert "D1" in by_site(det.detect(con, AS_OF))
    con.execute(f"update registry set industry_code = '2662' where uscc = '{uscc(1)}'")
    assert "D1" not in by_site(det.detect(con, AS_OF, det.Params(min_score=0.0)))


def test_without_a_code_a_scope_producing_chemicals_is_no_disguise():
    """A registry without 行业代码: D1 as a 建材科技 firm whose scope produces concrete
    admixtures (a division-26 product, the same firm as one filed under 2662) declares its
    chemistry. Its name alone (涂料科技 with a tech-only scope) declares nothing."""
    con = frame()
    con.execute(f"update registry set name = '夏县益民建材科技有限公司', scope = "
                f"'混凝土外加剂（聚羧酸减水剂）生产、销售；建材销售' where uscc = '{uscc(1)}'")
    assert "D1" not in by_site(det.detect(con, AS_OF, det.Params(min_score=0.0)))
    con.execute(f"update registry set name = '夏县益民涂料科技有限公司', scope = '{TECH}' "
                f"where uscc = '{uscc(1)}'")
    assert "D1" in by_site(det.detect(con, AS_OF))


def test_power_explained_by_scope_is_damped():
    con = frame()
    low = by_site(det.detect(con, AS_OF, det.Params(min_score=0.0)))
    assert low["D3"]["facts"]["power_factor"] < 1 and low["D3"]["score"] < 0.2
    assert low["D2"]["score"] < 0.2
    assert "D4" not in low and "D6" not in low  # no disguise word; revoked
    assert det.detect(con, AS_OF, det.Params(min_score=1.0)).schema == EVIDENCE


def test_demo_floor_p005_above_named_decoys():
    """Demo county: the 生物 firm producing 医药中间体 under a tech-only scope outranks every
    legitimate 生物/科技/新材料 decoy."""
    demo = demo_county()
    con = demo_connect(demo)
    s = scores(det.detect(con, demo.as_of, det.Params(min_score=0.0)))
    target = planted_site(con, demo, 5)
    decoys = decoy_sites(con, demo, "named_biotech_legit")
    assert s.get(target, 0) > 0.6
    assert s[target] > max((s.get(d, 0) for d in decoys), default=0) + 0.3
