"""waybill_mismatch on hand-made stays and e-waybills: declared consignees here and elsewhere."""

from __future__ import annotations

import json

from detectors import waybill_mismatch as det
from detectors.base import EVIDENCE
from tests.detectors import frames
from tests.detectors.truck_frames import AS_OF, TruckCounty, at


def _run(county: TruckCounty) -> dict[str, dict]:
    table = det.detect(county.finish(), AS_OF)
    assert table.schema.equals(EVIDENCE)
    return {r["site_id"]: r for r in table.to_pylist()}


def test_workshop_receiving_goods_declared_for_a_consignee_20_km_away():
    """Two trucks unload an hour at night at a village workshop on four nights; each night's
    waybill names 夏县远方化工有限公司 with an unload point 20 km north. One delivery is at
    00:30, so its waybill is dated the day before (a night delivery still counts)."""
    c = TruckCounty()
    shop = c.place("shop", 0, 0)
    far = at(0, 20_000)
    for i, (plate, day) in enumerate((("晋MA0001", 16), ("晋MB0002", 18), ("晋MA0001", 20))):
        c.stay(plate, f"2026-11-{day} 23:00", 60, shop)
        c.waybill(f"W{i}", plate, day, "二氯甲烷", "夏县远方化工有限公司", unload=far)
    c.stay("晋MB0002", "2026-11-23 00:30", 60, shop)
    c.waybill("W9", "晋MB0002", 22, "二氯甲烷", "夏县远方化工有限公司", unload=far)
    row = _run(c)["S-shop"]
    facts = json.loads(row["facts"])
    assert facts["declared_elsewhere"] == 4 and facts["no_waybill"] == 0
    assert "收货人为「夏县远方化工有限公司」" in row["reason"] and "距此 20.0 公里" in row["reason"]
    assert "二氯甲烷" in row["reason"]
    assert row["score"] >= 0.8


def test_delivery_to_the_declared_consignee_is_no_mismatch():
    """Same deliveries, but the consignee is the site's registered firm (named in its
    members); on another site the waybill's unload point lies 200 m off; on a third the
    consignee is a person but the unload address is the site's account address, written with
    the province prefix and without the blank: all three explained."""
    c = TruckCounty()
    house = c.place("house", 10000, 0)
    c.member("S-house", "power_account", "0009", name="李四", address="夏县瑶峰镇 城北村南")
    firm = c.place("firm", 0, 0)
    c.member("S-firm", "registry", "91140828TEST00001X", name="夏县康达建材有限公司")
    near = c.place("near", 5000, 0)
    for i, day in enumerate((16, 18, 20, 22)):
        c.stay("晋MA0001", f"2026-11-{day} 23:00", 60, firm)
        c.waybill(f"A{i}", "晋MA0001", day, "丙酮", "夏县康达建材有限公司")
        c.stay("晋MB0002", f"2026-11-{day} 10:00", 60, near)
        c.waybill(f"B{i}", "晋MB0002", day, "丙酮", "夏县某厂", unload=at(5200, 0))
        c.stay("晋MC0003", f"2026-11-{day} 21:00", 60, house)
        c.waybill(f"C{i}", "晋MC0003", day, "丙酮", "李某",
                  unload_address="山西省运城市夏县瑶峰镇城北村南")
    assert _run(c) == {}


def test_no_waybill_and_out_of_county_address_weigh_less():
    """Two sites with the same three night stays by two trucks: at one the trucks have no
    waybill those days, at the other the waybills unload in 陕西渭南 (no point, no record of
    the address). Both are findings; a located consignee elsewhere would weigh more."""
    c = TruckCounty()
    c.place("none", 0, 0)
    c.place("away", 5000, 0)
    c.place("known", 10000, 0)
    for i, day in enumerate((16, 18, 20)):
        c.stay(f"晋MA000{i % 2}", f"2026-11-{day} 23:00", 60, "none")
        c.stay(f"晋MB000{i % 2}", f"2026-11-{day} 23:00", 60, "away")
        c.waybill(f"B{i}", f"晋MB000{i % 2}", day, "盐酸", "陕西渭南某贸易有限公司",
                  unload_address="陕西渭南市工业园区")
        c.stay(f"晋MC000{i % 2}", f"2026-11-{day} 23:00", 60, "known")
        c.waybill(f"C{i}", f"晋MC000{i % 2}", day, "盐酸", "夏县远方化工有限公司",
                  unload=at(10000, 20000))
    out = _run(c)
    assert "当日无运单" in out["S-none"]["reason"]
    assert "卸货地为「陕西渭南市工业园区」" in out["S-away"]["reason"]
    assert out["S-away"]["score"] < out["S-none"]["score"] < out["S-known"]["score"]


def test_home_parking_licensed_sites_and_short_halts_are_skipped():
    """A driver's nightly ten-hour parking, stays at a valid permit holder's gate, and
    five-minute halts: none is an unloading the waybills should explain."""
    c = TruckCounty()
    c.place("home", 0, 0)
    c.nightly(["晋MA0001"], [16, 17, 18, 19], "home", minutes=600, hour=20)
    c.place("plant", 5000, 0)
    c.permit("A1", 5050, 0, "安全生产许可", "盐酸")
    c.nightly(["晋MB0002", "晋MC0003"], [16, 18, 20], "plant")
    c.place("halt", 10000, 0)
    c.nightly(["晋MD0004", "晋ME0005"], [16, 18, 20], "halt", minutes=5)
    assert _run(c) == {}


def test_goods_declared_elsewhere_beside_a_licensed_yard_are_a_mismatch():
    """Tankers unload an hour at night on four nights 130 m from a licensed fuel depot, each
    waybill declaring diesel to a station 9 km off: the depot's permit does not explain goods
    consigned elsewhere (a finding, weighing neighbour_factor, naming the depot). Beside a
    fuel station (trucks refuel there), or with waybills naming the depot, or with no waybill
    (come empty, to load), nothing."""
    p = det.Params()
    c = TruckCounty()
    for place, east in (("yard", 0), ("station", 20_000), ("loads", 40_000), ("empty", 60_000)):
        c.place(place, east, 0)
    c.permit("D1", 130, 0, "经营许可(带储存)", "汽油、柴油", holder="夏县嘉禾石油有限公司")
    c.permit("D2", 20_130, 0, "经营许可(带储存)", "汽油、柴油", holder="夏县陈乔村加油站")
    c.fuel_station("station")  # as sites.places marks a place by a station's permit
    c.permit("D3", 40_130, 0, "经营许可(带储存)", "汽油、柴油", holder="夏县恒通石油有限公司")
    c.permit("D4", 60_130, 0, "经营许可(带储存)", "汽油、柴油", holder="夏县永兴石油有限公司")
    far = at(9000, 9000)
    for i, day in enumerate((16, 18, 20, 22)):
        for j, place in enumerate(("yard", "station", "loads")):
            plate = f"晋M{'ABC'[j]}000{i % 2}"
            c.stay(plate, f"2026-11-{day} 23:00", 60, place)
            c.waybill(f"W{j}{i}", plate, day, "柴油", "中国石油运城某加油站", unload=far,
                      shipper="夏县恒通石油有限公司" if place == "loads" else "山西某石油有限公司")
        c.stay(f"晋MD000{i % 2}", f"2026-11-{day} 23:00", 60, "empty")
    out = _run(c)
    assert set(out) == {"S-yard"}
    row = out["S-yard"]
    assert "4 次停在持证单位「夏县嘉禾石油有限公司」150 米内，但运单未写明该单位" in row["reason"]
    facts = json.loads(row["facts"])
    assert facts["beside_licensed"] == 4 and facts["licensed_neighbour"] == "夏县嘉禾石油有限公司"
    # the same stays with nobody licensed near weigh 1 / neighbour_factor more
    c2 = TruckCounty()
    c2.place("yard", 0, 0)
    for i, day in enumerate((16, 18, 20, 22)):
        c2.stay(f"晋MA000{i % 2}", f"2026-11-{day} 23:00", 60, "yard")
        c2.waybill(f"W{i}", f"晋MA000{i % 2}", day, "柴油", "中国石油运城某加油站", unload=far,
                   shipper="山西某石油有限公司")
    alone = _run(c2)["S-yard"]
    assert abs(row["score"] - p.neighbour_factor * alone["score"]) < 2e-3


def test_two_trucks_at_one_site_same_nights_only_the_undeclared_one_counts():
    """Two entities whose series touch: trucks A and B stand at the same firm at the same
    hour on two nights. A's waybills name the firm (explained); B's name a consignee 20 km
    away (mismatched). The row counts B only, and half the candidate stays mismatch."""
    c = TruckCounty()
    firm = c.place("firm", 0, 0)
    c.member("S-firm", "registry", "91140828TEST00003X", name="夏县鑫达化工有限公司")
    for i, day in enumerate((17, 24)):
        c.stay("晋MA0001", f"2026-11-{day} 23:00", 60, firm)
        c.waybill(f"A{i}", "晋MA0001", day, "盐酸", "夏县鑫达化工有限公司")
        c.stay("晋MB0002", f"2026-11-{day} 23:00", 60, firm)
        c.waybill(f"B{i}", "晋MB0002", day, "甲苯", "夏县远方化工有限公司", unload=at(0, 20_000))
    facts = json.loads(_run(c)["S-firm"]["facts"])
    assert facts["mismatched_stays"] == 2 and facts["candidate_stays"] == 4
    assert facts["top_plates"] == ["晋MB0002"] and facts["f_share"] == 0.5


def test_stops_at_a_roadside_shop_weigh_roadside_factor():
    """The first test's four night stops, once at a village workshop and once at a
    convenience store (its power account's name): drivers buy and rest there on their way, so
    the store's score is the workshop's times roadside_factor and the reason says why."""
    c = TruckCounty()
    far = at(0, 20_000)
    for pid, east in (("shop", 0), ("store", 6000)):
        place = c.place(pid, east, 0)
        if pid == "store":
            c.member("S-store", "power_account", "0042", name="夏县瑶峰镇李强便利店")
            frames.insert(c.con, "power_accounts", [dict(account_no="0042",
                                                         account_name="夏县瑶峰镇李强便利店")])
        for i, (plate, day) in enumerate((("A0001", 16), ("B0002", 18), ("A0001", 20), ("B0002", 22))):
            c.stay(f"晋M{pid[0].upper()}{plate}", f"2026-11-{day} 23:00", 60, place)
            c.waybill(f"{pid}{i}", f"晋M{pid[0].upper()}{plate}", day, "二氯甲烷", "夏县远方化工有限公司",
                      unload=far)
    out = _run(c)
    store, shop = out["S-store"], out["S-shop"]
    assert abs(store["score"] - shop["score"] * det.Params().roadside_factor) < 2e-3
    assert "本场所「夏县瑶峰镇李强便利店」为沿路" in store["reason"] and "沿路" not in shop["reason"]


def test_the_named_unload_address_does_not_depend_on_row_order():
    """A truck with two unlocated waybills on each stay's day (山西晋城 and 河南三门峡): the
    reason names the first waybill's address whichever order the rows come in (a province run
    on a Dask cluster named the other one on 14 of 500 leads)."""
    reasons = set()
    for order in (("W1", "W2"), ("W2", "W1")):
        c = TruckCounty()
        c.place("shop", 0, 0)
        for day in (16, 18, 20):
            c.stay("晋MA0001", f"2026-11-{day} 23:00", 60, "shop")
            for no in order:
                c.waybill(f"{no}-{day}", "晋MA0001", day, "甲醇", "某公司",
                          unload_address={"W1": "山西晋城市工业园区", "W2": "河南三门峡市工业园区"}[no])
        reasons.add(_run(c)["S-shop"]["reason"])
    assert len(reasons) == 1 and "「山西晋城市工业园区」" in reasons.pop()
