"""relit on hand-made closed sites and readings."""

from __future__ import annotations

import datetime as dt

from detectors import relit as det
from detectors.base import EVIDENCE
from tests.detectors.chem_demo import connect as demo_connect
from tests.detectors.chem_demo import decoy_sites, demo_county, planted_site, scores
from tests.detectors.chem_frames import by_site, site
from tests.detectors.frames import AS_OF, account, connect, daily, insert

CLOSED = AS_OF - dt.timedelta(days=200)


def ledger(name: str, account_no: str | None, closed_on: dt.date | None = CLOSED) -> dict:
    return dict(name=name, address=f"{name}地址", account_no=account_no, closed_on=closed_on,
                measures="关闭取缔")


def frame():
    """Six ledger entries, one site each (R<n>); readings span 300 days.

    R1 standby 4 kWh/day after closure, 130 kWh/day in the last 14 days: relit. R2 dark after
    closure (0.5 kWh/day). R3 a new tenant's meter (not in the ledger) at 20 kWh/day since
    closure + 60 days: flat, no jump. R4 a ledger 户号 the resolver did not join, restarting at
    300 kWh/day. R5 no closure date (not read). R6 closed after as_of (not yet closed).
    R1's and R4's series touch: R4's meter starts the day R1's standby ends.
    """
    con = connect("closed_sites", "outcomes", "power_accounts", "power_readings_daily")
    insert(con, "closed_sites", [ledger("甲作坊", "A1"), ledger("乙作坊", "A2"), ledger("丙作坊", None),
                                 ledger("丁作坊", "A4"), ledger("戊作坊", "A5", None),
                                 ledger("己作坊", "A6", AS_OF + dt.timedelta(days=3))])
    insert(con, "power_accounts", [account(a) for a in ("A1", "A2", "A3", "A4", "A5", "A6")])
    before = [400.0] * 100
    insert(con, "power_readings_daily",
           daily("A1", before + [4.0] * 186 + [130.0] * 14)
           + daily("A2", before + [0.5] * 200)
           + daily("A3", [20.0] * 140)
           + daily("A4", before + [0.0] * 186 + [300.0] * 14)
           + daily("A5", [300.0] * 300) + daily("A6", [300.0] * 300))
    site(con, "R1", ("closed_site", "甲作坊|甲作坊地址"), ("power_account", "A1"))
    site(con, "R2", ("closed_site", "乙作坊|乙作坊地址"), ("power_account", "A2"))
    site(con, "R3", ("closed_site", "丙作坊|丙作坊地址"), ("power_account", "A3"))
    site(con, "R4", ("closed_site", "丁作坊|丁作坊地址"))
    site(con, "R5", ("closed_site", "戊作坊|戊作坊地址"), ("power_account", "A5"))
    site(con, "R6", ("closed_site", "己作坊|己作坊地址"), ("power_account", "A6"))
    return con


def test_planted_and_decoys():
    rows = by_site(det.detect(frame(), AS_OF))
    assert set(rows) == {"R1", "R4"}
    r1 = rows["R1"]
    assert r1["category_hint"] == "复燃" and r1["score"] > 0.7
    assert "现为其 32.5 倍" in r1["reason"] and "关停前日均 400 kWh" in r1["reason"]
    assert rows["R4"]["score"] > r1["score"]
    assert rows["R4"]["period_start"] == AS_OF - dt.timedelta(days=14)


def test_closed_through_a_verdict():
    """R7: no ledger row, but lead L7 (site R7) was found 属实 and closed (关闭取缔) 200 days
    ago; its meter is back at 200 kWh/day. A 不属实 verdict on L8 (site R8) closes nothing."""
    con = frame()
    con.execute("create table lead_book (lead_no varchar, site_id varchar, first_seen date)")
    con.execute("insert into lead_book values ('L7', 'R7', ?), ('L8', 'R8', ?)", [CLOSED, CLOSED])
    insert(con, "outcomes", [
        dict(lead_no="L7", checked_on=CLOSED, verdict="属实", category=3.0, measure="关闭取缔"),
        dict(lead_no="L8", checked_on=CLOSED, verdict="不属实")])
    insert(con, "power_accounts", [account("A7"), account("A8")])
    insert(con, "power_readings_daily", daily("A7", [300.0] * 100 + [2.0] * 186 + [200.0] * 14)
           + daily("A8", [300.0] * 100 + [2.0] * 186 + [200.0] * 14))
    site(con, "R7", ("power_account", "A7"))
    site(con, "R8", ("power_account", "A8"))
    rows = by_site(det.detect(con, AS_OF))
    assert "R7" in rows and "线索 L7" in rows["R7"]["reason"] and "R8" not in rows


def test_trucks_guarded_and_read_when_present():
    con = frame()
    assert det.detect(con, AS_OF).schema == EVIDENCE  # no truck tables: power only
    con.execute("create table truck_stays (stay_id varchar, plate varchar, started_at timestamp,"
                " ended_at timestamp, night boolean)")
    con.execute("create table truck_place_visits (stay_id varchar, place_id varchar)")
    night = dt.datetime.combine(AS_OF - dt.timedelta(days=5), dt.time(23))
    con.execute("insert into truck_stays values ('s1', '晋MA1', ?, ?, true),"
                " ('s0', '晋MA1', ?, ?, false)",
                [night, night + dt.timedelta(hours=2), dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 1)])
    con.execute("insert into truck_place_visits values ('s1', 'E1N1'), ('s0', 'E1N1')")
    con.execute("insert into site_members values ('R2', 'truck_place', 'E1N1', 'test', 1.0)")
    rows = det.detect(con, AS_OF).to_pylist()
    trucks = [r for r in rows if r["site_id"] == "R2"]
    assert len(trucks) == 1 and "夜间 1 次" in trucks[0]["reason"]  # the stay before closure is not
    assert abs(trucks[0]["score"] - (1 - 0.65 ** 2)) < 1e-3


def test_demo_floor_p007_above_closed_decoys():
    """Demo county: the ledger site that restarted outranks the closed site kept dark and the
    closed site reused as a legal warehouse."""
    demo = demo_county()
    con = demo_connect(demo)
    s = scores(det.detect(con, demo.as_of))
    target = planted_site(con, demo, 3, relit=True)
    assert s.get(target, 0) > 0.55
    decoys = decoy_sites(con, demo, "closed_dark", "closed_reused")
    assert decoys and s[target] > max(s.get(d, 0) for d in decoys) + 0.3


def _relit_truck_frame(stays: list[tuple[int, int]]):
    """The closed site R2 of `frame()`, with one truck's stays (start hour, minutes) on
    consecutive nights of the last week."""
    con = frame()
    con.execute("create table truck_stays (stay_id varchar, plate varchar, started_at timestamp,"
                " ended_at timestamp, night boolean)")
    con.execute("create table truck_place_visits (stay_id varchar, place_id varchar)")
    for i, (hour, minutes) in enumerate(stays):
        start = dt.datetime.combine(AS_OF - dt.timedelta(days=6 - i), dt.time(hour))
        con.execute("insert into truck_stays values (?, '晋MA1', ?, ?, true)",
                    [f"s{i}", start, start + dt.timedelta(minutes=minutes)])
        con.execute("insert into truck_place_visits values (?, 'E1N1')", [f"s{i}"])
    con.execute("insert into site_members values ('R2', 'truck_place', 'E1N1', 'test', 1.0)")
    return con


def test_overnight_parking_at_a_closed_site_is_not_a_visit():
    """A truck parked 8 hours each night beside a dark closed site: its driver lives there."""
    con = _relit_truck_frame([(23, 8 * 60), (23, 8 * 60), (22, 9 * 60)])
    assert [r for r in det.detect(con, AS_OF).to_pylist() if r["site_id"] == "R2"] == []


def test_night_deliveries_at_a_closed_site_are_visits():
    con = _relit_truck_frame([(23, 50), (1, 40)])
    (row,) = [r for r in det.detect(con, AS_OF).to_pylist() if r["site_id"] == "R2"]
    assert row["category_hint"] == "复燃"


def test_join_filter_setting_restored():
    con = frame()
    con.execute("set dynamic_or_filter_threshold = 7")
    assert set(by_site(det.detect(con, AS_OF))) == {"R1", "R4"}
    assert con.execute("select current_setting('dynamic_or_filter_threshold')").fetchone()[0] == 7
