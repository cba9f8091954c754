"""Benchmark: truck stays (and places) on 1M and 5M synthetic GPS fixes, and trackintel.

Run: `make bench` or
`.venv/bin/pytest -m bench -p no:cacheprovider -o addopts='' -s bench/test_stays_bench.py`.
trackintel and ours run on the same ~1M fixes in one run and the ratio of their times is
printed; nothing is extrapolated.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for tests.sites

from sites import build_places, detect_stays  # noqa: E402
from sites.stays import StayParams  # noqa: E402
from tests.sites import synth  # noqa: E402

pytestmark = pytest.mark.bench

STOPS_PER_TRUCK = 15  # ~220 fixes a stop at 30 s: ~3,300 fixes a truck
RUNS = 5  # of detect_stays, timed; the median counts (other processes share the machine)


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
    stays_s = sorted(_timed(detect_stays, con) for _ in range(RUNS))
    places_s = _timed(build_places_from, con)
    n_stays = con.execute("select count(*) from truck_stays").fetchone()[0]
    n_places = con.execute("select count(*) from truck_places").fetchone()[0]
    print(
        f"\n[stays] {n:,} fixes: detect_stays {stays_s[RUNS // 2]:.3f} s (median of "
        f"{', '.join(f'{s:.3f}' for s in stays_s)}; {n / stays_s[RUNS // 2]:,.0f} fixes/s), "
        f"{n_stays:,} stays; build_places {places_s:.2f} s, {n_places:,} places"
    )


def build_places_from(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create or replace table waybills (plate varchar, ship_date date, cargo varchar)")
    con.execute(
        "create or replace table permits (holder_name varchar, permit_type varchar, scope varchar,"
        " valid_until date, lon double, lat double)"
    )
    build_places(con)


def test_ratio_to_trackintel():
    """Ours and trackintel on the same fixes in one run, and the ratio of their times.

    By default all ~1M fixes (trackintel takes about a minute); XHG_BENCH_TRACKINTEL_FIXES
    limits both sides to whole trucks up to that many fixes. Ours: the median of RUNS runs
    of detect_stays (DuckDB in, DuckDB out); trackintel: one run of generate_staypoints on a
    ready GeoDataFrame (building it is not timed). CPU time of the process (all threads)
    is printed too: it moves less than wall time when other processes share the machine.
    """
    ti = pytest.importorskip("trackintel")
    import geopandas as gpd
    import pandas as pd

    from tests.sites.oracle import agreement

    con, fixes = _warehouse(300, seed=300)
    limit = int(os.environ.get("XHG_BENCH_TRACKINTEL_FIXES", "0"))
    if limit:
        per_plate = fixes.groupby("plate").size().cumsum()
        fixes = fixes[fixes["plate"].isin(per_plate.index[per_plate <= limit])]
        con = duckdb.connect()
        con.register("subset", fixes)
        con.execute("create table vehicle_tracks as select * from subset order by hash(plate, ts)")
    cpu = time.process_time()
    ours_s = sorted(_timed(detect_stays, con) for _ in range(RUNS))
    ours_cpu = (time.process_time() - cpu) / RUNS
    mine = con.sql("from truck_stays").df()

    pfs = ti.Positionfixes(
        gpd.GeoDataFrame(
            {
                "user_id": fixes["plate"].to_numpy(),
                "tracked_at": pd.to_datetime(fixes["ts"]).dt.tz_localize("Asia/Shanghai"),
            },
            geometry=gpd.points_from_xy(fixes["lon"], fixes["lat"]),
            crs="EPSG:4326",
        ).reset_index(drop=True)
    )
    params = StayParams()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start, cpu = time.perf_counter(), time.process_time()
        _, sp = pfs.generate_staypoints(
            method="sliding",
            dist_threshold=params.radius_m,
            time_threshold=params.min_duration_min,
            gap_threshold=params.max_gap_min,
            include_last=True,
        )
        theirs_s, theirs_cpu = time.perf_counter() - start, time.process_time() - cpu
    theirs = pd.DataFrame(
        {
            "plate": sp["user_id"].to_numpy(),
            "started_at": sp["started_at"].dt.tz_localize(None).to_numpy(),
            "ended_at": sp["finished_at"].dt.tz_localize(None).to_numpy(),
            "lon": sp.geometry.x.to_numpy(),
            "lat": sp.geometry.y.to_numpy(),
        }
    )
    theirs_matched, ours_matched = agreement(mine, theirs, within_m=100)
    n, ours_median = len(fixes), ours_s[RUNS // 2]
    print(
        f"\n[stays vs trackintel] the same {n:,} fixes: ours {ours_median:.3f} s (median of "
        f"{', '.join(f'{s:.3f}' for s in ours_s)}), trackintel {theirs_s:.1f} s: "
        f"ratio {theirs_s / ours_median:,.0f}x (target 100x); CPU time (all threads) "
        f"{ours_cpu:.3f} s vs {theirs_cpu:.1f} s: {theirs_cpu / ours_cpu:,.0f}x; agreement: "
        f"{theirs_matched:.1%} of trackintel's {len(theirs):,} staypoints matched, "
        f"{ours_matched:.1%} of our {len(mine):,} stays"
    )
