"""beyond_permit on hand-made permits, waybills and readings."""

from __future__ import annotations

import datetime as dt

from detectors import beyond_permit as det
from detectors.base import EVIDENCE
from tests.detectors.chem_demo import connect as demo_connect
from tests.detectors.chem_demo import decoy_sites, demo_county, planted_site, scores
from tests.detectors.chem_frames import by_site, site
from tests.detectors.frames import AS_OF, account, connect, daily, insert

LATER = AS_OF.replace(year=2028)


def wb(no: str, consignee: str, cargo: str, days_ago: int = 3, lon=None, lat=None) -> dict:
    return dict(waybill_no=no, plate="晋MA0001", consignee=consignee, unload_address="x",
                cargo=cargo, ship_date=AS_OF - dt.timedelta(days=days_ago),
                unload_lon=lon, unload_lat=lat)


def frame():
    """Six licensed sites (B1–B6) and one unlicensed (B7).

    B1 receives 二氯甲烷, outside its permit (硫酸、过氧化氢溶液), four times; B2 receives 双氧水
    — an alias of its permitted 过氧化氢溶液 — and 醋酸 (= 乙酸, permitted); B3 a fuel retailer
    receiving 柴油; B4 a 不带储存 trader with 甲醇 unloaded at its point (no name match: the
    consignee is spelt differently, the point is 50 m away); B5 doubles its power (two accounts
    whose series touch: A5a grows, A5b is flat); B6's permit expired yesterday and 二氯甲烷
    still arrives (a lapsed permit); B8's permit lapsed with nothing arriving and no meter;
    B7 unlicensed (not this detector's); B2's history has gaps (None days).
    """
    con = connect("registry", "permits", "power_accounts", "power_readings_daily", "waybills")
    permits = [("P1", "甲化工", "安全生产许可", "硫酸、过氧化氢溶液", LATER),
               ("P2", "乙化工", "安全生产许可", "过氧化氢溶液、乙酸", LATER),
               ("P3", "丙加油站", "经营许可(带储存)", "汽油、柴油", LATER),
               ("P4", "丁化工贸易", "经营许可(不带储存)", "甲醇、乙醇", LATER),
               ("P5", "戊化工", "安全生产许可", "盐酸", LATER),
               ("P6", "己化工", "安全生产许可", "盐酸", AS_OF - dt.timedelta(days=1)),
               ("P8", "辛化工", "安全生产许可", "盐酸", AS_OF - dt.timedelta(days=30))]
    insert(con, "permits", [dict(permit_no=p, holder_name=h, permit_type=t, scope=s,
                                 valid_until=v) for p, h, t, s, v in permits])
    insert(con, "waybills", [wb(f"W1{i}", "甲化工", "二氯甲烷", i) for i in range(4)]
           + [wb("W20", "乙化工", "双氧水"), wb("W21", "乙化工", "醋酸"),
              wb("W30", "丙加油站", "柴油"),
              wb("W40", "丁化工贸易公司", "甲醇", lon=111.0005, lat=35.0),
              wb("W60", "己化工", "二氯甲烷"), wb("W70", "庚作坊", "二氯甲烷"),
              wb("W19", "甲化工", "二氯甲烷", days_ago=200)])  # outside the window
    insert(con, "power_accounts", [account(a) for a in ("A1", "A2", "A5a", "A5b")])
    flat = [1000.0] * 120
    insert(con, "power_readings_daily",
           daily("A1", flat) + daily("A2", [1000.0, None] * 60 + [None])
           + daily("A5a", [1000.0] * 106 + [2600.0] * 14) + daily("A5b", [500.0] * 120))
    site(con, "B1", ("permit", "P1"), ("power_account", "A1"))
    site(con, "B2", ("permit", "P2"), ("power_account", "A2"))
    site(con, "B3", ("permit", "P3"))
    site(con, "B4", ("permit", "P4"), lon=111.0, lat=35.0)
    site(con, "B5", ("permit", "P5"), ("power_account", "A5a"), ("power_account", "A5b"))
    site(con, "B6", ("permit", "P6"))
    site(con, "B7", ("registry", "91140828MA00000007"))
    site(con, "B8", ("permit", "P8"))
    return con


def test_planted_and_decoys():
    rows = by_site(det.detect(frame(), AS_OF))
    assert set(rows) == {"B1", "B4", "B5", "B6"}
    assert "已于 2026-11-29 过期" in rows["B6"]["reason"] and "二氯甲烷" in rows["B6"]["reason"]
    assert rows["B6"]["score"] > 0.4
    # off-scope cargo at a producer with flat power may be feedstock: moderate, not blatant
    assert 0.3 < rows["B1"]["score"] < 0.5 and "二氯甲烷 4 车次" in rows["B1"]["reason"]
    assert rows["B1"]["category_hint"] == "1"
    assert rows["B4"]["facts"]["trading_only"] and "不带储存" in rows["B4"]["reason"]
    growth = rows["B5"]["facts"]["growth"]
    assert abs(growth - (2600 + 500) / 1500) < 0.01  # site sums its accounts
    assert 0.3 < rows["B5"]["score"] < 0.6


def test_contract_and_empty():
    table = det.detect(frame(), AS_OF, det.Params(min_score=1.0))
    assert table.schema == EVIDENCE and table.num_rows == 0


def test_demo_floor_p001_above_licensed_decoys():
    """Demo county: the licensed plant producing beyond its permit outranks the other park
    plants, fuel retailers and licensed traders (on today's demo county its off-scope
    deliveries look like feedstock and its output barely grows: a moderate score)."""
    demo = demo_county()
    con = demo_connect(demo)
    s = scores(det.detect(con, demo.as_of))
    target = planted_site(con, demo, 1)
    decoys = decoy_sites(con, demo, "park_24h_plant", "fuel_retailer", "chem_trader_licensed")
    assert s.get(target, 0) > 0.3
    assert s[target] > max((s.get(d, 0) for d in decoys), default=0)


def test_meter_read_only_between_the_windows_still_counts():
    """B6's account A6 was read 200 to 151 days ago only: between the recent/history windows and
    the same weeks a year ago. It still makes B6 a site with a meter (levels 0, not unknown)."""
    con = frame()
    insert(con, "power_accounts", [account("A6")])
    insert(con, "power_readings_daily", daily("A6", [800.0] * 50, end=AS_OF - dt.timedelta(days=151)))
    con.execute("insert into site_members values ('B6', 'power_account', 'A6', 'test', 1.0)")
    rows = by_site(det.detect(con, AS_OF))
    facts = rows["B6"]["facts"]
    assert facts["recent_kwh"] == 0 and facts["history_kwh"] == 0 and facts["last_year_kwh"] == 0


def shipped(no: str, shipper: str, cargo: str, lon=None, lat=None, load_address=None) -> dict:
    return dict(waybill_no=no, plate="晋MA0002", shipper=shipper, consignee="外地化工贸易有限公司",
                load_address=load_address, load_lon=lon, load_lat=lat, unload_address="河南洛阳",
                cargo=cargo, ship_date=AS_OF - dt.timedelta(days=2))


def test_products_shipped_outside_the_permit():
    """B9 (壬化工, licensed for 盐酸) ships 甲苯 three times from its own point: a product its
    permit does not name, scored without the feedstock damping. Not counted: its 盐酸 (in
    scope), its waste oil going to disposal, 二甲苯 consigned by 壬化工 but loaded 20 km away
    (a trader's consignment), and the 甲苯 its neighbour 癸化工 (45 m off) ships under its own
    name. B10 (癸化工) is licensed for 甲苯: nothing beyond its permit."""
    con = frame()
    insert(con, "permits", [
        dict(permit_no="P9", holder_name="壬化工", permit_type="安全生产许可", scope="盐酸",
             valid_until=LATER),
        dict(permit_no="P10", holder_name="癸化工", permit_type="安全生产许可", scope="甲苯",
             valid_until=LATER)])
    insert(con, "waybills",
           [shipped(f"S9{i}", "壬化工", "甲苯", 111.1002, 35.1) for i in range(3)]
           + [shipped("S93", "壬化工", "盐酸", 111.1002, 35.1),
              shipped("S94", "壬化工", "废矿物油", 111.1002, 35.1),
              shipped("S95", "壬化工", "二甲苯", 111.32, 35.1),
              shipped("S96", "癸化工", "甲苯", 111.1005, 35.1)])
    site(con, "B9", ("permit", "P9"), lon=111.1, lat=35.1)
    site(con, "B10", ("permit", "P10"), lon=111.1005, lat=35.1)
    rows = by_site(det.detect(con, AS_OF))
    assert "B10" not in rows
    b9 = rows["B9"]
    assert b9["facts"]["n_off_products"] == 3 and b9["facts"]["n_off_scope"] == 0
    assert "发出许可范围外品种：甲苯 3 车次" in b9["reason"] and "二甲苯" not in b9["reason"]
    assert abs(b9["score"] - 0.9 * (1 - 0.6 ** 3)) < 1e-3


def test_products_shipped_without_load_point_match_by_address():
    con = frame()
    insert(con, "permits", [dict(permit_no="P9", holder_name="壬化工", permit_type="安全生产许可",
                                 scope="盐酸", valid_until=LATER)])
    insert(con, "waybills", [shipped("S90", "壬化工", "甲苯", load_address="夏县 化工园区 9号"),
                             shipped("S91", "壬化工", "甲苯", load_address="太原市某园区")])
    site(con, "B9", ("permit", "P9"))
    con.execute("update sites set address = '夏县化工园区9号' where site_id = 'B9'")
    assert by_site(det.detect(con, AS_OF))["B9"]["facts"]["n_off_products"] == 1


def test_scope_is_the_holders_across_its_plants():
    """甲化工 holds a second permit naming 二氯甲烷 for another plant: B1's 二氯甲烷 deliveries
    are within the firm's permits (goods moving between its plants), so B1 is not flagged."""
    con = frame()
    insert(con, "permits", [dict(permit_no="P1b", holder_name="甲化工", permit_type="安全生产许可",
                                 scope="二氯甲烷", valid_until=LATER)])
    site(con, "B1b", ("permit", "P1b"))
    rows = by_site(det.detect(con, AS_OF))
    assert "B1" not in rows and "B1b" not in rows


def test_same_name_other_credit_code_is_another_firm():
    """A permit for 二氯甲烷 held under B1's holder name but another credit code is another
    firm's: B1's 二氯甲烷 deliveries stay beyond its permit."""
    con = frame()
    con.execute("update permits set uscc = '91140828MA00000001' where permit_no = 'P1'")
    insert(con, "permits", [dict(permit_no="P1c", holder_name="甲化工", uscc="91140828MA00000002",
                                 permit_type="安全生产许可", scope="二氯甲烷", valid_until=LATER)])
    site(con, "B1c", ("permit", "P1c"))
    assert "二氯甲烷 4 车次" in by_site(det.detect(con, AS_OF))["B1"]["reason"]
