"""`detect_stays` on tiny hand-made series in a real in-memory DuckDB."""

from __future__ import annotations

import random
from datetime import datetime

import duckdb
import pyarrow as pa
import pytest

from sites.stays import StayParams, detect_stays
from tests.sites.frames import Fix, at, load_tracks, parked


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def stays(con: duckdb.DuckDBPyConnection, fixes: list[Fix], **kw) -> list[dict]:
    load_tracks(con, fixes, kw.pop("base", at(0)))
    detect_stays(con, StayParams(**kw))
    cur = con.execute("from truck_stays order by plate, started_at")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def test_parked_truck_is_one_stay(con):
    """15 fixes a minute apart jittering within 8 m: one stay over the whole series."""
    (s,) = stays(con, parked("晋MA1234", range(15)))
    assert (s["started_at"], s["ended_at"]) == (at(0), at(14))
    assert s["duration_min"] == pytest.approx(14)
    assert s["n_points"] == 15 and not s["gap_parked"]
    assert s["stay_id"] == "晋MA1234|20261130T100000"


@pytest.mark.parametrize(
    ("last_minute", "expected"),
    [(9, 0), (10, 1)],
    ids=["9 min: too short", "exactly 10 min: a stay"],
)
def test_minimum_duration_is_inclusive(con, last_minute, expected):
    """A stay needs min_duration_min or more from its anchor to its end."""
    assert len(stays(con, parked("晋MA1234", range(last_minute + 1)))) == expected


def test_ends_at_first_fix_outside(con):
    """Parked 0–9, then driven 1 km away at minute 10: like trackintel, the stay ends there."""
    fixes = [*parked("晋MA1234", range(10)), ("晋MA1234", 10, 1000.0, 0.0)]
    (s,) = stays(con, fixes)
    assert s["ended_at"] == at(10) and s["n_points"] == 10


def test_crawling_truck_is_not_a_stay(con):
    """30 min at 3 km/h (50 m a minute, every step < radius): it leaves every anchor in 2 min."""
    assert stays(con, [("晋MA1234", m, 50.0 * m, 0.0) for m in range(31)]) == []


def test_creeping_within_radius_is_a_stay(con):
    """15 min at 5 m a minute: 70 m in all, never 100 m from the anchor, so a stay."""
    (s,) = stays(con, [("晋MA1234", m, 5.0 * m, 0.0) for m in range(15)])
    assert s["n_points"] == 15


def test_crawl_into_a_yard_starts_the_stay_at_the_last_anchor(con):
    """Crawls 60 m a minute for 4 min, then parks 12 min at 240 m; no step reaches 100 m.

    One run; the sliding rule re-anchors at minutes 2 (120 m) and 4 (240 m), as trackintel
    does, so the stay starts at minute 4, not where the run began.
    """
    fixes = [
        *[("晋MA1234", m, 60.0 * m, 0.0) for m in range(4)],
        *parked("晋MA1234", range(4, 17), 240.0, 0.0),
    ]
    (s,) = stays(con, fixes)
    assert (s["started_at"], s["ended_at"], s["n_points"]) == (at(4), at(16), 13)


def test_gap_reappearing_on_the_spot_is_parked(con):
    """Seen 10:00–10:05, silent three hours, seen again 12 m away 13:05–13:10: parked."""
    fixes = [*parked("晋MA1234", range(6)), *parked("晋MA1234", range(185, 191), 12.0, 0.0)]
    (s,) = stays(con, fixes)
    assert (s["started_at"], s["ended_at"]) == (at(0), at(190))
    assert s["gap_parked"] and s["n_points"] == 12


def test_gap_reappearing_far_away_is_not_parked(con):
    """Seen 10:00–10:05, silent three hours, then 5 km away: no stay (5 min), and none across."""
    fixes = [*parked("晋MA1234", range(6)), *parked("晋MA1234", range(185, 191), 5000.0, 0.0)]
    assert stays(con, fixes) == []


def test_stay_before_a_gap_ends_at_its_last_fix(con):
    """Parked 10:00–10:12, silent, then far away: the stay ends at 10:12, not on reappearing."""
    fixes = [*parked("晋MA1234", range(13)), *parked("晋MA1234", range(185, 191), 5000.0, 0.0)]
    (s,) = stays(con, fixes)
    assert s["ended_at"] == at(12) and not s["gap_parked"]


def test_out_of_order_input_gives_the_same_stays(con):
    """The same fixes as a parked-drive-parked series, shuffled: the same two stays."""
    fixes = [
        *parked("晋MA1234", range(12)),
        *[("晋MA1234", m, 600.0 * (m - 11), 0.0) for m in range(12, 16)],
        *parked("晋MA1234", range(16, 30), 2400.0, 0.0),
    ]
    ordered = stays(con, fixes)
    random.Random(4).shuffle(fixes)
    shuffled = stays(con, fixes)
    assert len(ordered) == 2
    for a, b in zip(shuffled, ordered, strict=True):
        # centroids are sums in another order: equal to the last bits
        assert a == b | {"lon": pytest.approx(b["lon"]), "lat": pytest.approx(b["lat"])}


def test_two_plates_touching_stay_apart(con):
    """Two trucks parked 2 km apart report at the same minutes; a third shares truck A's point.

    A window without `partition by plate` zig-zags between the trucks and finds no stay.
    """
    fixes = [
        *parked("晋MA0001", range(15)),
        *parked("晋MA0002", range(15), 2000.0, 0.0),
        *[("晋MA0003", m, 0.0 + 500.0 * m, 0.0) for m in range(15)],  # drives off A's spot
    ]
    got = stays(con, fixes)
    assert [s["plate"] for s in got] == ["晋MA0001", "晋MA0002"]
    assert all(s["n_points"] == 15 for s in got)


def test_single_gps_jump_does_not_split_a_stay(con):
    """Parked 15 min with one fix 600 m away in the middle: one stay, the jump dropped."""
    fixes = parked("晋MA1234", range(15))
    fixes[7] = ("晋MA1234", 7, 600.0, 0.0)
    (s,) = stays(con, fixes)
    assert s["n_points"] == 14 and s["ended_at"] == at(14)


def test_a_plate_on_two_trucks_is_a_conflict(con):
    """Two trucks parked 9 km apart for six hours, each reporting 90 times at random moments,
    under one plate (a cloned plate): the series jumps between the places, dozens of steps
    too fast for a truck; every stay of it is marked and `conflicted_plates` names it. Under
    two plates the same fixes are two clean stays. A truck driving 9 km in an hour, and one
    with two far one-fix jumps, are no conflict."""
    from sites.stays import conflicted_plates

    rng = random.Random(3)
    a = [("晋MA1234", rng.uniform(0, 360), x, y) for _, _, x, y in parked("", range(90))]
    b = [("晋MA1234", rng.uniform(0, 360), x + 9000.0, y) for _, _, x, y in parked("", range(90))]
    got = stays(con, a + b)
    assert got and all(s["conflict"] for s in got)
    assert conflicted_plates(con) == [("晋MA1234", len(got), at(0).date(), at(0).date())]
    apart = stays(con, a + [("晋MB5678", *fix[1:]) for fix in b])
    assert [(s["plate"], s["conflict"]) for s in apart] == [("晋MA1234", False), ("晋MB5678", False)]
    assert conflicted_plates(con) == []
    drive = parked("晋MA1234", range(30)) + [(p, m + 30, x + 9000.0 * min(m + 1, 60) / 60, y)
                                             for p, m, x, y in parked("晋MA1234", range(90))]
    assert not any(s["conflict"] for s in stays(con, drive))
    jumps = parked("晋MA1234", range(60))
    jumps[20], jumps[40] = ("晋MA1234", 20, 9000.0, 0.0), ("晋MA1234", 40, 9000.0, 0.0)
    assert [s["conflict"] for s in stays(con, jumps)] == [False]


def test_fixes_without_coordinates_are_ignored(con):
    """A NULL position in a parked series neither breaks nor counts."""
    fixes = parked("晋MA1234", range(12))
    fixes[5] = ("晋MA1234", 5, None, None)
    (s,) = stays(con, fixes)
    assert s["n_points"] == 11


@pytest.mark.parametrize(
    ("start", "minutes", "params", "night"),
    [
        (datetime(2026, 11, 30, 21, 30), 20, {}, False),  # 21:30–21:50
        (datetime(2026, 11, 30, 21, 50), 20, {}, True),  # 21:50–22:10
        (datetime(2026, 11, 30, 5, 50), 20, {}, True),  # 05:50–06:10
        (datetime(2026, 11, 30, 6, 0), 30, {}, False),  # 06:00–06:30: night ends at 06:00
        (datetime(2026, 11, 30, 23, 50), 20, {}, True),  # across midnight
        (datetime(2026, 11, 30, 7, 0), 30 * 60, {}, True),  # 07:00 to 13:00 next day
        (datetime(2026, 11, 30, 23, 0), 30, {"night_start_hour": 0, "night_end_hour": 5}, False),
        (datetime(2026, 11, 30, 23, 50), 20, {"night_start_hour": 0, "night_end_hour": 5}, True),
    ],
)
def test_night_flag(con, start, minutes, params, night):
    """Clock night [22:00, 06:00) by default, start inclusive, end exclusive; configurable."""
    fixes = parked("晋MA1234", range(0, minutes + 1, 5 if minutes < 100 else 10))
    (s,) = stays(con, fixes, base=start, **params)
    assert s["night"] is night


def test_params_are_checked():
    with pytest.raises(ValueError):
        StayParams(radius_m=0)
    with pytest.raises(ValueError):
        StayParams(night_start_hour=24)
    with pytest.raises(ValueError):
        StayParams(teleport_m=50)  # under radius_m


def test_plate_shards_together_find_the_same_stays():
    """12 trucks sharing places (their series interleave in time and space), some with gaps and
    GPS jumps: the stays of 3 plate shards, written together, equal those of all plates at once;
    every shard holds some plates and no plate is in two shards."""
    from sites.stays import stays_of_plates, write_stays
    from tests.sites import synth

    con = duckdb.connect()
    fixes = synth.tracks(12, 8, seed=4, n_gaps=6, spike_share=0.01)
    con.register("fixes", fixes)
    con.execute("create table vehicle_tracks as select plate, ts, lon, lat from fixes order by lon")
    detect_stays(con)
    whole = con.execute("select * from truck_stays order by stay_id").fetchall()
    parts = [stays_of_plates(con, StayParams(), k, 3) for k in range(3)]
    assert all(p.num_rows for p in parts)
    plates = [set(p["plate"].to_pylist()) for p in parts]
    assert not (plates[0] & plates[1] or plates[0] & plates[2] or plates[1] & plates[2])
    write_stays(con, pa.concat_tables(parts))
    assert len(whole) > 30
    assert con.execute("select * from truck_stays order by stay_id").fetchall() == whole
