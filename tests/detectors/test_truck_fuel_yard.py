"""fuel_yard on hand-made tanker stays: a remote yard, a fuel station, a tanker driver's home."""

from __future__ import annotations

import json

from detectors import fuel_yard as det
from detectors.base import EVIDENCE
from tests.detectors.truck_frames import AS_OF, TruckCounty, at

TANKERS = ["晋MA0001", "晋MB0002", "晋MC0003"]


def _run(county: TruckCounty) -> dict[str, dict]:
    table = det.detect(county.finish(), AS_OF)
    assert table.schema.equals(EVIDENCE)
    return {r["site_id"]: r for r in table.to_pylist()}


def _tankers(c: TruckCounty, plates: list[str], days: list[int]) -> None:
    """Every plate carries diesel to a licensed station 30 km away on the given days."""
    for p in plates:
        for d in days:
            c.waybill(f"{p}-{d}", p, d, "柴油", "中国石油某加油站", unload=at(30_000, 0))


def test_remote_yard_visited_by_three_tankers_on_five_nights():
    """Three dedicated diesel tankers unload an hour at a yard on five nights; their waybills
    those days name a licensed station 30 km away. Category 6, near 1, plates named."""
    c = TruckCounty()
    c.place("yard", 0, 0)
    c.nightly(TANKERS, [16, 18, 20, 22, 24], "yard")
    _tankers(c, TANKERS, [16, 18, 20, 22, 24])
    row = _run(c)["S-yard"]
    facts = json.loads(row["facts"])
    assert row["category_hint"] == "6" and row["score"] >= 0.9
    assert facts["tankers"] == 3 and facts["fuel_share"] == 1.0 and facts["fuel_waybill_days"] == 5
    assert row["reason"].startswith("近28天运油车辆（运单载有柴油）在此停靠 5 次（夜间 5 次）")
    assert "150米内无有效成品油经营许可（加油站）" in row["reason"]


def test_licensed_fuel_station_and_non_tankers_are_not_flagged():
    """The same tankers at a place 40 m from a valid 汽油/柴油 trading permit (a fuel station);
    and three trucks that never carried fuel making the same visits elsewhere."""
    c = TruckCounty()
    c.place("station", 0, 0)
    c.permit("F1", 40, 0, "经营许可(带储存)", "汽油、柴油")
    c.nightly(TANKERS, [16, 18, 20, 22, 24], "station")
    _tankers(c, TANKERS, [1, 2])
    c.place("acid", 5000, 0)
    c.nightly(["晋MX0001", "晋MY0002"], [16, 18, 20], "acid")
    c.waybill("X1", "晋MX0001", 16, "盐酸", "某厂")
    assert _run(c) == {}


def test_expired_fuel_permit_and_own_site_consignee():
    """A firm whose fuel permit expired last year keeps receiving diesel: two tankers on four
    days, the waybills naming the firm itself. Expired is no permit; fuel consigned here."""
    c = TruckCounty()
    c.place("firm", 0, 0)
    c.member("S-firm", "registry", "91140828TEST00002X", name="夏县顺达物流有限公司")
    c.permit("F9", 30, 0, "经营许可(带储存)", "柴油", valid_until=AS_OF.replace(year=2025))
    for i, day in enumerate((16, 19, 22, 25)):
        plate = TANKERS[i % 2]
        c.stay(plate, f"2026-11-{day} 14:00", 45, "firm")
        c.waybill(f"W{i}", plate, day, "柴油", "夏县顺达物流有限公司")
    row = _run(c)["S-firm"]
    assert "张运油运单收货人为本场所「夏县顺达物流有限公司」" in row["reason"]
    assert row["score"] >= 0.8


def test_tanker_driver_home_and_single_visit_are_not_flagged():
    """A tanker parked ten hours every night at one place (its driver's home), and a tanker's
    single one-hour stop elsewhere."""
    c = TruckCounty()
    c.place("home", 0, 0)
    c.nightly(["晋MA0001"], [16, 17, 18, 19, 20], "home", minutes=600, hour=20)
    c.place("once", 5000, 0)
    c.stay("晋MB0002", "2026-11-20 23:00", 60, "once")
    _tankers(c, ["晋MA0001", "晋MB0002"], [16, 20])
    assert _run(c) == {}


def test_a_licensed_plants_carriers_that_also_haul_fuel_bring_its_chemicals():
    """Three carriers that haul diesel now and then unload an hour at a licensed chemical plant
    (its own valid 安全生产许可) on five nights; on those days their waybills carry 甲醇. No
    fuel finding. The same stays on days the trucks carried diesel are one (halved: a
    licensed firm)."""
    def plant(fuel_days: list[int]) -> TruckCounty:
        c = TruckCounty()
        c.place("plant", 0, 0)
        c.permit("A1", 20, 0, "安全生产许可", "甲醛溶液")
        c.member("S-plant", "permit", "A1")
        c.nightly(TANKERS, [16, 18, 20, 22, 24], "plant")
        _tankers(c, TANKERS, fuel_days)
        for p in TANKERS:
            for d in (16, 18, 20, 22, 24):
                if d not in fuel_days:
                    c.waybill(f"{p}-m{d}", p, d, "甲醇", "某化工贸易公司", unload=at(30_000, 0))
        return c

    assert _run(plant([3, 5])) == {}
    row = _run(plant([16, 18, 20, 22, 24]))["S-plant"]
    assert json.loads(row["facts"])["other_permit_near"] and row["score"] < 0.6


def _registered(c: TruckCounty, pid: str, uscc: str, name: str) -> None:
    from tests.detectors import frames

    c.member(f"S-{pid}", "registry", uscc, name=name)
    frames.insert(c.con, "registry", [dict(uscc=uscc, name=name, status="存续")])


def test_a_mixed_carrier_bringing_other_goods_here_is_not_a_fuel_stay():
    """Three tankers that mostly haul diesel stop an hour at a detergent maker on five days;
    each of those days their waybill consigns 氢氧化钠溶液 (lye) to the maker: no fuel yard.
    The same stays at an unregistered yard, their waybills that day naming a station far off,
    stay one."""
    c = TruckCounty()
    c.place("soap", 0, 0)
    _registered(c, "soap", "91140828SOAPM0001X", "夏县洁净日化有限公司")
    c.nightly(TANKERS, [16, 18, 20, 22, 24], "soap", hour=10)
    _tankers(c, TANKERS, [1, 2, 3, 4, 5, 6, 7])
    for i, d in enumerate([16, 18, 20, 22, 24]):
        c.waybill(f"L{d}", TANKERS[i % 3], d, "氢氧化钠溶液", "夏县洁净日化有限公司")
    c.place("yard", 9000, 0)
    c.nightly(TANKERS, [17, 19, 21, 23, 25], "yard", hour=10)
    out = _run(c)
    assert "S-soap" not in out and "S-yard" in out


def test_diesel_consigned_to_a_brick_works_is_its_own_use():
    """Two tankers bring diesel on four days to a brick works named on the waybills (its
    loaders burn it), and the same to a trading firm: the brick works scores
    self_use_factor of the trader and the reason says so."""
    c = TruckCounty()
    for pid, east, uscc, name in (("brick", 0, "91140828BRICK0001X", "夏县宏发新型墙材有限公司"),
                                  ("trade", 9000, "91140828TRADE0001X", "夏县宏发商贸有限公司")):
        c.place(pid, east, 0)
        _registered(c, pid, uscc, name)
        c.nightly(TANKERS[:2], [16, 18, 20, 22], pid, hour=10)
        for i, d in enumerate([16, 18, 20, 22]):
            c.waybill(f"{pid}{d}", TANKERS[i % 2], d, "柴油", name)
    out = _run(c)
    brick, trade = out["S-brick"], out["S-trade"]
    assert abs(brick["score"] - trade["score"] * det.Params().self_use_factor) < 2e-3
    assert "自用柴油" in brick["reason"] and "自用" not in trade["reason"]
    assert json.loads(brick["facts"])["self_use"] is True
