"""Streams power readings to the inbox: daily Parquet (+ one GBK CSV re-export with the bad
rows), and 15-minute interval Parquet for industrial and three-phase accounts."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from data.generator import readings as rd
from data.generator.mess import BadRows
from data.generator.writer import _rel, write_csv

CSV_TOWNSHIP = "水头镇"  # its 供电所 re-exports the last 30 days by hand, as GBK CSV
CSV_DAYS = 30
INTERVAL_DAYS = 60


def interval_accounts(acc: pl.DataFrame) -> pl.Series:
    """Meters that report 15-min data: 大工业 and every three-phase (动力电) account."""
    return acc["tariff_class"].eq("大工业用电") | acc["three_phase"]


def write_readings(c, acc: pl.DataFrame, out: Path, bad: BadRows, progress,
                   chunk: int = 6000, messy: bool = True, tag: str = "") -> dict:
    """Daily (and, when `messy`, interval and the hand-made CSV) readings of all accounts."""
    rng = c.rng
    cal = rd.calendar(c.day0, c.n_days)
    last = c.day0 + timedelta(days=c.n_days - 1)
    d_dir = out / "inbox/power_readings"
    d_dir.mkdir(parents=True, exist_ok=True)
    daily_path = d_dir / f"日电量_{tag}{c.day0:%Y%m%d}_{last:%Y%m%d}.parquet"
    int_path = d_dir / f"分时电量_15分钟_近{INTERVAL_DAYS}天.parquet"
    csv_from = np.datetime64(last - timedelta(days=CSV_DAYS - 1), "D")
    w_daily = w_int = None
    csv_parts, n_daily, n_int = [], 0, 0
    for part in rd.chunks(acc, chunk):
        base, extra = rd.daily_components(part, cal, rng)
        daily = rd.daily_frame(part, c.day0, base, extra, cal, rng)
        town = part.filter(pl.col("township") == (CSV_TOWNSHIP if messy else ""))["account_no"]
        to_csv = pl.col("户号").is_in(town.implode()) & (pl.col("日期") >= pl.lit(csv_from))
        csv_parts.append(daily.filter(to_csv))
        daily = daily.filter(~to_csv)
        tbl = daily.to_arrow()
        w_daily = w_daily or pq.ParquetWriter(daily_path, tbl.schema)
        w_daily.write_table(tbl)
        n_daily += daily.height
        sel = interval_accounts(part).to_numpy() & messy
        if sel.any():
            iv = rd.interval_frame(part.filter(pl.Series(sel)), c.day0, base[sel], extra[sel],
                                   INTERVAL_DAYS, rng).to_arrow()
            w_int = w_int or pq.ParquetWriter(int_path, iv.schema)
            w_int.write_table(iv)
            n_int += iv.num_rows
    for w in (w_daily, w_int):
        if w:
            w.close()
    n_csv = 0
    if messy:
        n_csv = _csv(pl.concat(csv_parts), d_dir / f"{CSV_TOWNSHIP}供电所_日电量补录.csv", out, bad,
                     rng)
    progress(f"  电量: 日电量 {n_daily + n_csv} 行, 分时电量 {n_int} 行")
    return {"power_readings_daily": n_daily + n_csv, "power_readings_interval": n_int}


def _csv(df: pl.DataFrame, path: Path, out: Path, bad: BadRows, rng: np.random.Generator) -> int:
    """The hand re-export: 用户编号/日电量 aliases, 20261104 dates, and four broken rows."""
    df = df.sort("日期", "户号").with_columns(pl.col("日期").dt.strftime("%Y%m%d")).rename(
        {"户号": "用户编号", "总电量": "日电量"})
    rows = df.to_dicts()
    picks = rng.choice(len(rows), 4, replace=False)
    fixes = [("日期", "2026年13月05日", "日期无法解析"), ("日电量", -35.2, "电量为负"),
             ("日电量", 98_765_432.0, "电量超出上限"), ("日期", "", "日期为空")]
    for k, (col, val, why) in zip(picks, fixes, strict=True):
        rows[k][col] = val
        bad.add(_rel(path, out), int(k), {"日期": "日期", "日电量": "总电量"}[col], why)
    df = pl.DataFrame(rows, schema={k: pl.Utf8 if k in ("用户编号", "日期") else pl.Float64
                                    for k in df.columns})
    write_csv(df, path, "gbk")
    return df.height


def day_of(d: date) -> np.datetime64:
    return np.datetime64(d, "D")
