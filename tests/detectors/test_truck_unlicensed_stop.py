"""truck_unlicensed_stop on hand-made stays: homes, fuel stations, depots and a night yard."""

from __future__ import annotations

import datetime as dt
import json

from detectors import truck_unlicensed_stop as det
from detectors.base import EVIDENCE
from tests.detectors.truck_frames import AS_OF, TruckCounty


def _run(county: TruckCounty) -> dict[str, dict]:
    table = det.detect(county.finish(), AS_OF)
    assert table.schema.equals(EVIDENCE)
    return {r["site_id"]: r for r in table.to_pylist()}


def test_driver_home_in_village_is_not_flagged():
    """One truck parked ten hours every night beside a household account: a driver's home.

    A second village house 150 m off makes the place settled; the truck is seen six nights.
    """
    c = TruckCounty()
    home = c.place("home", 0, 0)
    c.account("0001", 20, 0)
    c.account("0002", 150, 0)
    c.nightly(["晋MA0001"], [16, 17, 19, 21, 23, 25], home, minutes=600, hour=20)
    assert _run(c) == {}


def test_workshop_next_to_driver_home_still_counts_other_trucks():
    """Two entities whose series touch: driver A sleeps at the place each night while trucks
    B and C make hour-long night deliveries there between 23:00 and 01:00 on four nights.

    A's parked stays are dropped; B's and C's visits make the finding, with A's stays as facts.
    """
    c = TruckCounty()
    p = c.place("mix", 0, 0)
    c.account("0001", 30, 0)
    c.nightly(["晋MA0001"], [16, 17, 18, 19, 20, 21], p, minutes=600, hour=20)
    c.nightly(["晋MB0002", "晋MC0003"], [16, 18, 20, 22], p, minutes=60, hour=23)
    out = _run(c)
    facts = json.loads(out["S-mix"]["facts"])
    assert facts["visits"] == 4 and facts["plates"] == 2 and facts["night_visits"] == 4
    assert "晋MA0001" not in facts["top_plates"]


def test_fuel_station_and_licensed_site_are_not_flagged_but_expired_permit_is():
    """Four places each visited by three trucks on five nights for an hour:
    50 m from a valid fuel permit (a fuel station), 100 m from a valid production permit,
    80 m from a production permit that expired in 2025 (an expired permit is no permit), and
    250 m from a valid permit (beyond reach, but maybe the same plant: flagged lower, named).
    """
    c = TruckCounty()
    places = (("fuel", 0), ("plant", 5000), ("expired", 10000), ("doubt", 15000))
    for i, (pid, east) in enumerate(places):
        c.place(pid, east, 0)
        c.nightly([f"晋MA000{i}", f"晋MB000{i}", f"晋MC000{i}"], [16, 18, 20, 22, 24], pid)
    c.permit("F1", 50, 0, "经营许可(带储存)", "汽油、柴油")
    c.permit("A1", 5100, 0, "安全生产许可", "盐酸")
    c.permit("X1", 10080, 0, "安全生产许可", "盐酸", valid_until=dt.date(2025, 6, 30))
    c.permit("D1", 15250, 0, "安全生产许可", "盐酸")
    out = _run(c)
    assert set(out) == {"S-expired", "S-doubt"}
    assert out["S-expired"]["category_hint"] == "3"
    assert "250 米处有持证单位「持证单位D1」" in out["S-doubt"]["reason"]
    assert out["S-doubt"]["score"] < out["S-expired"]["score"]


def test_depot_with_many_plates_is_a_public_place():
    """Fifteen different trucks, each once, 40 minutes by day on 14 days: a depot or
    restaurant, not a workshop's few regular suppliers."""
    c = TruckCounty()
    p = c.place("depot", 0, 0)
    for i in range(15):
        c.stay(f"晋MD{i:04d}", f"2026-11-{10 + i % 14:02d} 12:00", 40, p)
    assert _run(c) == {}


def test_remote_night_yard_scores_high_and_explains():
    """A standalone place 2 km from anyone, three trucks on five nights for an hour each:
    the blatant pattern. The reason names counts, nights, plates, dwell and the cargo."""
    c = TruckCounty()
    p = c.place("yard", 0, 0)
    c.account("0001", 2000, 0)
    c.nightly(["晋MA0001", "晋MB0002", "晋MC0003"], [16, 18, 20, 22, 24], p)
    c.waybill("W1", "晋MA0001", 16, "二氯甲烷", "夏县某贸易有限公司")
    row = _run(c)["S-yard"]
    assert row["score"] >= 0.9
    assert row["reason"].startswith("近28天危化品车辆在此停靠 5 次（夜间 5 次），分布在 5 天，涉及 3 辆车")
    assert "停留时长中位 60 分钟" in row["reason"] and "二氯甲烷" in row["reason"]
    assert "1000米内无其他住户或企业" in row["reason"]
    assert row["period_start"] == dt.date(2026, 11, 3) and row["period_end"] == AS_OF


def test_one_stop_and_old_stays_are_not_findings():
    """A single one-hour stop, and a pattern older than the window (October): nothing."""
    c = TruckCounty()
    c.place("once", 0, 0)
    c.stay("晋MA0001", "2026-11-20 23:00", 60, "once")
    c.place("old", 3000, 0)
    for day in (1, 3, 5, 7):
        c.stay("晋MB0002", f"2026-10-{day:02d} 23:00", 60, "old")
    assert _run(c) == {}


def test_more_regular_trucks_and_nights_rank_higher():
    """Same remote spot pattern, scaled: one truck by day twice < two trucks at night thrice
    < three trucks on five nights."""
    c = TruckCounty()
    c.place("a", 0, 0)
    c.place("b", 5000, 0)
    c.place("c", 10000, 0)
    c.nightly(["晋MA0001"], [16, 20], "a", hour=10)
    c.nightly(["晋MB0002", "晋MC0003"], [16, 18, 20], "b")
    c.nightly(["晋MD0004", "晋ME0005", "晋MF0006"], [16, 18, 20, 22, 24], "c")
    out = _run(c)
    assert out["S-a"]["score"] < out["S-b"]["score"] < out["S-c"]["score"]


def test_county_without_gps_gives_no_truck_evidence():
    """No vehicle tracks were dropped: no truck tables exist, every truck detector is empty."""
    from detectors import fuel_yard, waybill_mismatch
    from tests.detectors import frames

    con = frames.connect("waybills", "permits")
    for module in (det, waybill_mismatch, fuel_yard):
        assert module.detect(con, AS_OF).num_rows == 0


def test_remote_haulier_yard_parking_scores_low():
    """Four trucks parked ten hours every night at a remote yard 2 km from anyone (a small
    haulier's lot): kept, since nobody lives there, but at parking weight, well below a
    yard where the same trucks make hour-long night deliveries."""
    c = TruckCounty()
    c.place("lot", 0, 0)
    c.place("yard", 5000, 0)
    c.account("0001", 2500, 2000)
    plates = ["晋MA0001", "晋MB0002", "晋MC0003", "晋MD0004"]
    for i, p in enumerate(plates):
        c.nightly([p], [16, 17, 18, 19, 20], "lot", minutes=600, hour=19)
        c.nightly([p], [21 + i, 25 + i % 2], "yard", minutes=60, hour=23)
    out = _run(c)
    assert out["S-lot"]["score"] < 0.35 < out["S-yard"]["score"]
    assert "20 次为车辆夜间长时停放" in out["S-lot"]["reason"]


def test_declared_deliveries_of_the_trades_own_goods_weigh_less():
    """Two firms 5 km apart, each visited by three trucks on four mornings for 40 minutes,
    each stay under a waybill naming the firm: a heating plant receiving LPG (its boilers' gas)
    and a feed mill receiving 甲醇 (no feed mill uses it). The heating plant's stays count
    declared_use_weight of a visit and the reason says why; the feed mill's count in full."""
    from tests.detectors import frames

    c = TruckCounty()
    for pid, east, uscc, name, cargo in (
            ("heat", 0, "91140828HEATP0001X", "夏县恒温供热有限公司", "液化石油气"),
            ("feed", 5000, "91140828FEEDM0001X", "夏县丰收饲料有限公司", "甲醇")):
        c.place(pid, east, 0)
        c.member(f"S-{pid}", "registry", uscc, name=name)
        frames.insert(c.con, "registry", [dict(uscc=uscc, name=name, status="存续")])
        plates = [f"晋M{pid[0].upper()}000{i}" for i in range(3)]
        c.nightly(plates, [16, 18, 20, 22], pid, minutes=40, hour=9)
        for i, day in enumerate([16, 18, 20, 22]):
            c.waybill(f"W{pid}{i}", plates[i % 3], day, cargo, name)
    out = _run(c)
    heat, feed = out["S-heat"], out["S-feed"]
    assert feed["score"] > 0.7  # four mornings, three trucks, unloading scale, nobody near
    assert abs(heat["score"] - feed["score"] * det.Params().declared_use_weight) < 2e-3
    assert "4 次有运单写明送本单位、为其登记行业自用物资（燃气）" in heat["reason"]
    assert json.loads(heat["facts"])["declared_use_visits"] == 4
    assert json.loads(feed["facts"])["declared_use_visits"] == 0 and "自用" not in feed["reason"]


def test_stops_at_a_roadside_restaurant_weigh_roadside_factor():
    """The same four night stops of three trucks without waybills at a restaurant and at a
    feed mill 5 km apart: drivers eat at the restaurant on their way; its score is the feed
    mill's times roadside_factor and the reason says why."""
    from tests.detectors import frames

    c = TruckCounty()
    for pid, east, uscc, name in (("inn", 0, "92140828MEALS0001X", "夏县路口饭店"),
                                  ("feed", 5000, "91140828FEEDM0001X", "夏县丰收饲料有限公司")):
        c.place(pid, east, 0)
        c.member(f"S-{pid}", "registry", uscc, name=name)
        frames.insert(c.con, "registry", [dict(uscc=uscc, name=name, status="存续")])
        c.nightly([f"晋M{pid[0].upper()}000{i}" for i in range(3)], [16, 18, 20, 22], pid, minutes=50)
    out = _run(c)
    inn, feed = out["S-inn"], out["S-feed"]
    assert abs(inn["score"] - feed["score"] * det.Params().roadside_factor) < 2e-3
    assert "本场所「夏县路口饭店」为沿路餐饮" in inn["reason"] and "沿路" not in feed["reason"]
    assert json.loads(inn["facts"])["roadside"] == "夏县路口饭店"
