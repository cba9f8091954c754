"""`build_places` with many permits: the nearest-permit search must not grow as places × permits.

26,000 truck stays (each its own place: p100 has 25,837 places) and N permits, a fifth of them
fuel traders, spread over Shanxi's extent (lon 110.2–114.6, lat 34.6–40.7) by a hash of their
index (the same points every run), in an in-memory DuckDB with 2 threads:

    .venv/bin/python -m bench.places_permits 5000 20000

prints per N the seconds of `build_places`, the places with a permit within `licensed_reach_m`,
those near a fuel station, and those with a permit within `permit_search_m`.
"""

from __future__ import annotations

import argparse
import time

import duckdb

from sites.places import build_places

STAYS = 26_000


def run(n_permits: int) -> tuple[float, tuple]:
    con = duckdb.connect()
    con.execute("set threads = 2")
    con.execute(f"""
        create table truck_stays as
        select 'S' || i as stay_id, 'P' || (i % 3000) as plate,
               timestamp '2026-11-01' + to_minutes(i % 40000) as started_at,
               timestamp '2026-11-01' + to_minutes(i % 40000 + 60) as ended_at,
               60.0 as duration_min,
               110.2 + 4.4 * (hash(i, 'x') % 1000003) / 1000003.0 as lon,
               34.6 + 6.1 * (hash(i, 'y') % 1000003) / 1000003.0 as lat,
               10::bigint as n_points, false as night, false as gap_parked
        from range({STAYS}) as t (i)""")
    con.execute("""
        create table waybills (waybill_no varchar, plate varchar, shipper varchar, consignee varchar,
            load_address varchar, unload_address varchar, cargo varchar, un_number varchar,
            quantity varchar, ship_date date, load_lon double, load_lat double, unload_lon double,
            unload_lat double)""")
    con.execute(f"""
        create table permits as
        select 'P' || i as permit_no, '单位' || i as holder_name, null::varchar as uscc,
               case when i % 5 = 0 then '危险化学品经营许可证'
                    else '危险化学品安全生产许可证' end as permit_type,
               case when i % 5 = 0 then '汽油、柴油' else '甲醇' end as scope,
               date '2027-01-01' as valid_until, null::varchar as address,
               110.2 + 4.4 * (hash(i, 'px') % 1000003) / 1000003.0 as lon,
               34.6 + 6.1 * (hash(i, 'py') % 1000003) / 1000003.0 as lat
        from range({n_permits}) as t (i)""")
    t0 = time.perf_counter()
    build_places(con)
    seconds = time.perf_counter() - t0
    counts = con.execute("""
        select count(*), count(*) filter (where near_permit), count(*) filter (where near_fuel_station),
               count(nearest_permit_m)
        from truck_places""").fetchone()
    return seconds, counts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("permits", type=int, nargs="+")
    for n in ap.parse_args().permits:
        seconds, (places, near, fuel, within) = run(n)
        print(f"permits {n:,}: build_places {seconds:.1f} s; places {places:,}, near a permit {near:,}, "
              f"near a fuel station {fuel:,}, a permit within permit_search_m {within:,}")


if __name__ == "__main__":
    main()
