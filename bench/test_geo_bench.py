"""GCJ-02 → WGS-84 throughput of the geo macros in DuckDB (`make bench`)."""

import time

import duckdb
import pytest

from sources.geo import install_macros

N_POINTS = 5_000_000


@pytest.mark.bench
def test_wgs84_from_gcj02_throughput():
    """5M random points in China, converted once (struct macro: one pass for both axes)."""
    con = duckdb.connect()
    install_macros(con)
    con.execute(
        "create table g as select 73.7 + random() * 61.3 as lon, 3.9 + random() * 49.6 as lat"
        " from range(?)",
        [N_POINTS],
    )
    start = time.perf_counter()
    lon_sum, lat_sum = con.execute(
        "select sum(p.lon), sum(p.lat) from (select wgs84_from_gcj02(lon, lat) as p from g)"
    ).fetchone()
    seconds = time.perf_counter() - start
    print(f"\nwgs84_from_gcj02: {N_POINTS:,} points in {seconds:.2f} s"
          f" = {N_POINTS / seconds:,.0f} points/s")
    assert lon_sum is not None and lat_sum is not None
