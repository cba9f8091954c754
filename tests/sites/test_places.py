"""`build_places` on hand-made stays, waybills and permits in a real in-memory DuckDB."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from sites.places import PlaceParams, build_places
from tests.sites.frames import lonlat

Stay = tuple[str, datetime, datetime, float, float, bool]  # plate, start, end, east_m, north_m, night


def load(
    con: duckdb.DuckDBPyConnection,
    stays: list[Stay],
    waybills: list[tuple[str, str, date]] = (),  # plate, cargo, ship_date
    permits: list[tuple] = (),  # type, scope, valid_until, e, n[, holder]
) -> None:
    con.execute(
        "create or replace table truck_stays (stay_id varchar, plate varchar,"
        " started_at timestamp, ended_at timestamp, duration_min double, lon double,"
        " lat double, n_points bigint, night boolean, gap_parked boolean, conflict boolean)"
    )
    for plate, start, end, east_m, north_m, night in stays:
        lon, lat = lonlat(east_m, north_m)
        con.execute(
            "insert into truck_stays values (?, ?, ?, ?, ?, ?, ?, 10, ?, false, false)",
            [f"{plate}|{start:%Y%m%dT%H%M%S}", plate, start, end,
             (end - start).total_seconds() / 60, lon, lat, night],
        )
    con.execute(
        "create or replace table waybills (waybill_no varchar, plate varchar, shipper varchar,"
        " consignee varchar, load_address varchar, unload_address varchar, cargo varchar,"
        " un_number varchar, quantity varchar, ship_date date, load_lon double,"
        " load_lat double, unload_lon double, unload_lat double)"
    )
    for i, (plate, cargo, ship_date) in enumerate(waybills):
        con.execute(
            "insert into waybills (waybill_no, plate, cargo, ship_date) values (?, ?, ?, ?)",
            [f"W{i}", plate, cargo, ship_date],
        )
    con.execute(
        "create or replace table permits (permit_no varchar, holder_name varchar, uscc varchar,"
        " permit_type varchar, scope varchar, valid_until date, address varchar, lon double,"
        " lat double)"
    )
    for i, (ptype, scope, valid_until, east_m, north_m, *holder) in enumerate(permits):
        lon, lat = lonlat(east_m, north_m)
        con.execute(
            "insert into permits (permit_no, holder_name, permit_type, scope, valid_until, lon,"
            " lat) values (?, ?, ?, ?, ?, ?, ?)",
            [f"P{i}", holder[0] if holder else f"单位{i}", ptype, scope, valid_until, lon, lat],
        )


def places(con: duckdb.DuckDBPyConnection, **kw) -> list[dict]:
    build_places(con, PlaceParams(**kw))
    cur = con.execute("from truck_places order by n_visits desc, place_id")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


D1, D2, D3 = datetime(2026, 11, 28), datetime(2026, 11, 29), datetime(2026, 11, 30)


def h(day: datetime, hour: float) -> datetime:
    return day.replace(hour=int(hour), minute=int(hour % 1 * 60))


def test_stays_of_trucks_and_days_become_places():
    """Three stays within 60 m on two days by two trucks; one stay 1 km away.

    Special: one visit at night; waybills on a visit day count, one on another day does not;
    a valid hazardous-chemical permit 200 m away, an expired one 20 m away.
    """
    con = duckdb.connect()
    load(
        con,
        stays=[
            ("晋MA0001", h(D1, 9), h(D1, 10), 0.0, 0.0, False),
            ("晋MA0001", h(D2, 23), h(D2, 23.5), 40.0, 20.0, True),
            ("晋MA0002", h(D2, 14), h(D2, 14.25), -20.0, 30.0, False),
            ("晋MA0002", h(D3, 8), h(D3, 9), 1000.0, 0.0, False),
        ],
        waybills=[
            ("晋MA0001", "甲醇", D1.date()),
            ("晋MA0002", "盐酸", D2.date()),
            ("晋MA0002", "硫酸", D1.date()),  # no visit by 晋MA0002 on D1
        ],
        permits=[
            ("危险化学品经营许可证", "甲醇", date(2027, 1, 1), 200.0, 0.0),
            ("危险化学品经营许可证", "硝酸", date(2026, 1, 1), 1000.0, 20.0),  # expired
        ],
    )
    yard, other = places(con)
    assert (yard["n_visits"], yard["n_plates"], yard["n_days"], yard["n_night_visits"]) == (
        3, 2, 2, 1
    )
    assert yard["dwell_min_total"] == pytest.approx(60 + 30 + 15)
    assert yard["dwell_min_median"] == pytest.approx(30)
    assert (yard["first_seen"], yard["last_seen"]) == (h(D1, 9), h(D2, 23.5))
    assert yard["cargo"] == "甲醇;盐酸"  # sorted, distinct
    assert yard["near_permit"] and yard["nearest_permit_m"] == pytest.approx(193, abs=10)
    assert other["cargo"] is None
    assert not other["near_permit"]  # only the expired permit is near
    assert other["nearest_permit_m"] == pytest.approx(800, abs=5)  # the valid one
    visits = con.execute("select count(*), count(distinct place_id) from truck_place_visits")
    assert visits.fetchone() == (4, 2)


def test_expired_permits_count_when_asked():
    """The same expired permit 20 m away covers the place when validity is not required."""
    con = duckdb.connect()
    load(
        con,
        stays=[("晋MA0001", h(D3, 8), h(D3, 9), 0.0, 0.0, False)],
        permits=[("危险化学品经营许可证", "硝酸", date(2026, 1, 1), 0.0, 20.0)],
    )
    (p,) = places(con, require_valid_permit=False)
    assert p["near_permit"]


def test_the_nearest_permit_is_looked_for_within_permit_search_m():
    """Permits 800 m and 2,500 m east and 1,500 m north of one place: the 800 m one is the
    nearest; with a search of 500 m none is (NULL, not near); the grid cells hold every point
    of the reach (a permit 1,900 m north-east, diagonal to the place's cell, is found with
    a search of 2,000 m when it is the only one)."""
    def run(permits, **kw):
        con = duckdb.connect()
        load(con, stays=[("晋MA0001", h(D3, 8), h(D3, 9), 0.0, 0.0, False)],
             permits=[("危险化学品经营许可证", "甲醇", date(2027, 1, 1), x, y) for x, y in permits])
        (p,) = places(con, **kw)
        return p
    three = [(800.0, 0.0), (2500.0, 0.0), (0.0, 1500.0)]
    assert run(three)["nearest_permit_m"] == pytest.approx(800, abs=5)
    far = run(three, permit_search_m=500.0, licensed_reach_m=300.0)
    assert far["nearest_permit_m"] is None and not far["near_permit"]
    assert run([(1343.0, 1343.0)])["nearest_permit_m"] == pytest.approx(1900, abs=10)
    assert run([(2500.0, 0.0)])["nearest_permit_m"] is None
    with pytest.raises(ValueError):
        PlaceParams(licensed_reach_m=300.0, permit_search_m=200.0)


def test_fuel_station_from_permits():
    """A station's 成品油 trading permit (汽油、柴油, its holder a 加油站) 100 m away marks a fuel
    station; a fuel depot's trading permit and a plant's production permit do not (trucks load
    and unload there, they do not refuel)."""
    con = duckdb.connect()
    load(
        con,
        stays=[
            ("晋MA0001", h(D3, 8), h(D3, 9), 0.0, 0.0, False),
            ("晋MA0001", h(D3, 12), h(D3, 13), 3000.0, 0.0, False),
            ("晋MA0001", h(D3, 16), h(D3, 17), 6000.0, 0.0, False),
        ],
        permits=[
            ("危险化学品经营许可证", "汽油、柴油", date(2027, 1, 1), 100.0, 0.0, "中国石化销售股份有限公司山西运城城北加油站"),
            ("危险化学品安全生产许可证", "柴油", date(2027, 1, 1), 3100.0, 0.0),
            ("危险化学品经营许可证(带储存)", "汽油、柴油", date(2027, 1, 1), 6100.0, 0.0, "夏县嘉禾石油有限公司"),
        ],
    )
    fuel, plant, depot = sorted(places(con), key=lambda p: p["lon"])
    assert fuel["near_fuel_station"] and fuel["near_permit"]
    assert not plant["near_fuel_station"] and plant["near_permit"]
    assert not depot["near_fuel_station"] and depot["near_permit"]


def test_single_linkage_chains_and_two_plates_stay_apart():
    """Stays 80 m apart in a row link into one place (A–C is 160 m); stays 400 m on are apart,
    and two of them 140 m from each other are two premises, two places."""
    con = duckdb.connect()
    load(
        con,
        stays=[
            ("晋MA0001", h(D3, 8), h(D3, 9), 0.0, 0.0, False),
            ("晋MA0002", h(D3, 8), h(D3, 9), 80.0, 0.0, False),
            ("晋MA0003", h(D3, 8), h(D3, 9), 160.0, 0.0, False),
            ("晋MA0004", h(D3, 8), h(D3, 9), 560.0, 0.0, False),
            ("晋MA0005", h(D3, 8), h(D3, 9), 700.0, 0.0, False),
        ],
    )
    got = places(con)
    assert [p["n_visits"] for p in got] == [3, 1, 1]
    assert got[0]["n_plates"] == 3
    assert got[0]["extent_m"] == pytest.approx(80, abs=1) and got[1]["extent_m"] == 0


def test_place_id_is_stable_as_visits_grow():
    """A new visit 30 m from a place keeps its id (the 0.001° cell of the centroid)."""
    con = duckdb.connect()
    first = [("晋MA0001", h(D1, 8), h(D1, 9), 30.0, 30.0, False)]
    load(con, stays=first)
    (before,) = places(con)
    load(con, stays=[*first, ("晋MA0002", h(D2, 8), h(D2, 9), 50.0, 40.0, False)])
    (after,) = places(con)
    assert after["place_id"] == before["place_id"] and after["n_visits"] == 2
    assert before["place_id"].startswith("E112") and "N37" in before["place_id"]


def test_no_stays_gives_empty_tables():
    con = duckdb.connect()
    load(con, stays=[])
    assert places(con) == []


@pytest.mark.parametrize("lat0", [37.85, 64.0])
def test_places_are_the_components_of_stays_closer_than_link_m(lat0):
    """Random stays (tight yards, chains of 100–160 m steps, scatter) against a brute-force
    oracle: every pair of stays measured, the components of pairs closer than link_m. At 64°
    a stay's link_m reaches 4 cells east-west, not 2."""
    rng = np.random.default_rng(7)
    yards = rng.uniform(-2000, 2000, (12, 2))[rng.integers(0, 12, 600)] + rng.normal(0, 40, (600, 2))
    chains = [
        start + np.cumsum(rng.uniform(100, 160, 60))[:, None] * [np.cos(a), np.sin(a)]
        for start, a in zip(rng.uniform(-2000, 2000, (6, 2)), rng.uniform(0, 2 * np.pi, 6), strict=True)
    ]
    xy = np.vstack([yards, *chains, rng.uniform(-2500, 2500, (400, 2))])
    con = duckdb.connect()
    load(con, stays=[])
    con.executemany(
        "insert into truck_stays values (?, '晋MA0001', ?, ?, 30, ?, ?, 10, false, false, false)",
        [(f"S{i:05d}", h(D1, 8), h(D1, 8.5),
          112.55 + e / (111_320.0 * np.cos(np.radians(lat0))), lat0 + n / 111_320.0)
         for i, (e, n) in enumerate(xy.tolist())],
    )
    build_places(con, PlaceParams(link_m=150.0))
    pairs = con.execute(
        "select a.i, b.i from (select row_number() over (order by stay_id) - 1 as i, * from"
        " truck_stays) as a, (select row_number() over (order by stay_id) - 1 as i, * from"
        " truck_stays) as b where a.i < b.i and xhg_dist_m(a.lon, a.lat, b.lon, b.lat) < 150"
    ).fetchnumpy()
    n = len(xy)
    graph = coo_matrix((np.ones(len(pairs["i"])), (pairs["i"], pairs["i_1"])), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    place = [p for (p,) in con.execute("select place_id from truck_place_visits order by stay_id").fetchall()]
    assert len(set(place)) == comp.max() + 1
    assert len(set(zip(place, comp.tolist(), strict=True))) == len(set(place))  # one to one
