"""Benchmark: truck stays (and places) on 1M and 5M synthetic GPS fixes, and trackintel.

Run: `make bench` or
`.venv/bin/pytest -m bench -p no:cacheprovider -o addopts='' -s bench/test_stays_bench.py`.
trackintel runs on a subset of whole trucks (~200k fixes) and is extrapolated linearly (its
sliding loop is per fix); ours runs on the same subset for a like-for-like ratio.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for tests.sites

from sites import build_places, detect_stays  # noqa: E402
from sites.stays import StayParams  # noqa: E402
from tests.sites import synth  # noqa: E402

pytestmark = pytest.mark.bench

STOPS_PER_TRUCK = 15  # ~220 fixes a stop at 30 s: ~3,300 fixes a truck
SUBSET_FIXES = 200_000


def _warehouse(n_trucks: int, seed: int) -> tuple[duckdb.DuckDBPyConnection, object]:
    fixes = synth.tracks(n_trucks, STOPS_PER_TRUCK, seed=seed, n_gaps=n_trucks // 10,
                         spike_share=0.001)
    con = duckdb.connect()
    con.register("fixes", fixes)
    # stored in arrival order, not time order, as a loaded week would be
    con.execute("create table vehicle_tracks as select * from fixes order by hash(plate, ts)")
    con.unregister("fixes")
    return con, fixes


def _timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


@pytest.mark.parametrize("n_trucks", [300, 1500], ids=["~1M", "~5M"])
def test_stays_and_places_speed(n_trucks):
    con, fixes = _warehouse(n_trucks, seed=n_trucks)
    n = len(fixes)
    stays_s = _timed(detect_stays, con)
    places_s = _timed(build_places_from, con)
    n_stays = con.execute("select count(*) from truck_stays").fetchone()[0]
    n_places = con.execute("select count(*) from truck_places").fetchone()[0]
    print(
        f"\n[stays] {n:,} fixes: detect_stays {stays_s:.2f} s ({n / stays_s:,.0f} fixes/s), "
        f"{n_stays:,} stays; build_places {places_s:.2f} s, {n_places:,} places"
    )


def build_places_from(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create or replace table waybills (plate varchar, ship_date date, cargo varchar)")
    con.execute(
        "create or replace table permits (permit_type varchar, scope varchar,"
        " valid_until date, lon double, lat double)"
    )
    build_places(con)


def test_ratio_to_trackintel():
    """Ours vs trackintel on the same ~200k fixes (whole trucks), plus ours on ~1M."""
    pytest.importorskip("trackintel")
    from tests.sites.oracle import agreement, trackintel_staypoints

    con, fixes = _warehouse(300, seed=300)
    per_plate = fixes.groupby("plate").size().cumsum()
    plates = per_plate.index[per_plate <= SUBSET_FIXES]
    subset = fixes[fixes["plate"].isin(plates)]
    full_s = _timed(detect_stays, con)

    sub = duckdb.connect()
    sub.register("subset", subset)
    sub.execute("create table vehicle_tracks as select * from subset order by hash(plate, ts)")
    ours_s = _timed(detect_stays, sub)
    mine = sub.sql("from truck_stays").df()

    start = time.perf_counter()
    theirs = trackintel_staypoints(subset, StayParams())
    theirs_s = time.perf_counter() - start
    matched = agreement(mine, theirs, within_m=100)

    n, n_full = len(subset), len(fixes)
    theirs_full_s = theirs_s * n_full / n
    print(
        f"\n[stays vs trackintel] subset {n:,} fixes: ours {ours_s:.2f} s, trackintel "
        f"{theirs_s:.1f} s, ratio {theirs_s / ours_s:,.0f}x; "
        f"{n_full:,} fixes: ours {full_s:.2f} s, trackintel ~{theirs_full_s:.0f} s "
        f"(extrapolated), ratio ~{theirs_full_s / full_s:,.0f}x; agreement: "
        f"{matched[0]:.1%} of trackintel's {len(theirs)} matched, {matched[1]:.1%} of our "
        f"{len(mine)}"
    )
