"""Hand-made warehouse frames for detector tests: canonical tables in an in-memory DuckDB.

Tables are created from the source specs (same names and types as the warehouse), the lake
tables (`power_readings_daily`, `power_readings_interval`, ...) as plain tables. Rows are
given as dicts; missing columns are NULL. Readings come from short recipes: a list of daily
kWh, or a 24-hour profile repeated over days (expanded to 15-minute points).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import duckdb
import pyarrow as pa

from sources import SPECS
from sources.warehouse import columns_sql, install_macros

AS_OF = dt.date(2026, 11, 30)
_BY_NAME = {s.name: s for s in SPECS}


def connect(*tables: str) -> duckdb.DuckDBPyConnection:
    """In-memory DuckDB with the warehouse's macros, empty canonical tables (all specs unless
    named) and sites."""
    con = duckdb.connect()
    install_macros(con)
    for spec in (SPECS if not tables else [_BY_NAME[t] for t in tables]):
        cols = ", ".join(f"{n} {t}" for n, t in columns_sql(spec))
        con.execute(f"create table {spec.name} ({cols})")
    con.execute("create table sites (site_id varchar, name varchar, address varchar,"
                " township varchar, lon double, lat double)")
    con.execute("create table site_members (site_id varchar, member_kind varchar,"
                " member_key varchar, rule varchar, score double)")
    return con


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: Iterable[dict]) -> None:
    """Insert dict rows; columns not given are NULL. Derived columns are computed."""
    spec = _BY_NAME.get(table)
    names = [n for n, _ in columns_sql(spec)] if spec else [
        r[0] for r in con.execute(f"describe {table}").fetchall()]
    derived = {n for n, _, _ in spec.derived} if spec else set()
    rows = list(rows)
    if rows:
        # through Arrow: executemany goes row by row and 15-minute frames have thousands
        types = dict(columns_sql(spec)) if spec else {}
        cols = {n: [r.get(n) for r in rows] for n in names}
        frame = pa.table({n: pa.array(v) if any(x is not None for x in v)
                          else pa.nulls(len(v)) for n, v in cols.items()})
        con.register("_frame_rows", frame)
        select = ", ".join(f"cast({n} as {types[n]})" if n in types else n for n in names)
        con.execute(f"insert into {table} ({', '.join(names)}) select {select} from _frame_rows")
        con.unregister("_frame_rows")
    for name, _, expr in (spec.derived if spec else ()):
        if name in derived:
            con.execute(f"update {table} set {name} = {expr} where {name} is null")


def account(account_no: str, tariff_class: str = "一般工商业用电", name: str | None = None,
            three_phase: bool | None = True, **more) -> dict:
    return dict(account_no=account_no, account_name=name or f"测试{account_no}有限公司",
                address=f"测试地址{account_no}", tariff_class=tariff_class,
                three_phase=three_phase) | more


def daily(account_no: str, kwh: Sequence[float | None], end: dt.date = AS_OF,
          valley_share: float | None = None) -> list[dict]:
    """One reading a day, the last on `end`; None skips the day (a collection gap)."""
    start = end - dt.timedelta(days=len(kwh) - 1)
    out = []
    for i, k in enumerate(kwh):
        if k is None:
            continue
        row = dict(account_no=account_no, day=start + dt.timedelta(days=i), kwh_total=k)
        if valley_share is not None:
            row |= dict(kwh_valley=k * valley_share, kwh_peak=k * (1 - valley_share) * .6,
                        kwh_flat=k * (1 - valley_share) * .4, kwh_sharp=0.0)
        out.append(row)
    return out


def interval(account_no: str, hourly_kwh: Sequence[float], days: int, end: dt.date = AS_OF,
             weekend_factor: float = 1.0) -> list[dict]:
    """15-minute readings: `hourly_kwh` (24 values) split in four, for `days` days to `end`."""
    if len(hourly_kwh) != 24:
        raise ValueError("hourly_kwh needs 24 values")
    out = []
    for d in range(days):
        day = end - dt.timedelta(days=days - 1 - d)
        f = weekend_factor if day.weekday() >= 5 else 1.0
        t0 = dt.datetime.combine(day, dt.time())
        for q in range(96):
            out.append(dict(account_no=account_no, ts=t0 + dt.timedelta(minutes=15 * q),
                            kwh=hourly_kwh[q // 4] * f / 4))
    return out


def hours(day_kwh: float, night_kwh: float, night: Iterable[int] = (22, 23, 0, 1, 2, 3, 4, 5)
          ) -> list[float]:
    """A 24-hour profile: `night_kwh` per hour in the given hours, `day_kwh` in the others."""
    n = set(night)
    return [night_kwh if h in n else day_kwh for h in range(24)]


def one_site_per_account(con: duckdb.DuckDBPyConnection) -> None:
    """Site 'S-<account_no>' for every power account (plus its registration, if any)."""
    con.execute("""
        insert into sites select 'S-' || account_no, account_name, address, township, lon, lat
        from power_accounts;
        insert into site_members select 'S-' || account_no, 'power_account', account_no,
            'test', 1.0 from power_accounts;
        insert into site_members select 'S-' || account_no, 'registry', uscc, 'test', 1.0
        from power_accounts where uscc is not null""")
