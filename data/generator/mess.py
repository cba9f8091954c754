"""Realistic mess: mixed date forms, plate spellings, coordinate systems, duplicated GPS
points, and the deliberately bad rows that the ingest must reject (recorded for truth.json).
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import polars as pl

from data.generator import texts as tx
from sources.geo import convert

EXCEL_EPOCH = date(1899, 12, 30)


def date_text(d: date | None, style: str) -> str | None:
    """One date in one of the office styles: iso, slash (2021/3/4), compact (20210304)."""
    if d is None:
        return None
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "compact":
        return f"{d:%Y%m%d}"
    return f"{d:%Y-%m-%d}"


def mixed_dates(values: list, rng: np.random.Generator, styles=("iso", "slash", "compact"),
                serial: bool = False) -> list:
    """Each value in a random style; with `serial`, some become Excel serial numbers."""
    out: list = []
    for d in values:
        if isinstance(d, datetime):
            d = d.date()
        if d is not None and serial and rng.random() < .5:
            out.append(float((d - EXCEL_EPOCH).days))
        else:
            out.append(date_text(d, str(rng.choice(styles))))
    return out


def dotted(plates: pl.Series, rng: np.random.Generator, share: float = .5) -> pl.Series:
    """晋MA1234 -> 晋M·A1234 for a share of rows."""
    dot = rng.random(len(plates)) < share
    return pl.Series(plates.name, [p[:2] + "·" + p[2:] if k else p
                                   for p, k in zip(plates.to_list(), dot, strict=True)])


def crs_mix(df: pl.DataFrame, rng: np.random.Generator, p_gcj: float, p_bd: float
            ) -> pl.DataFrame:
    """Rewrite part of 经度/纬度 to GCJ-02 or BD-09 and say so in 坐标系."""
    lon, lat = df["经度"].to_numpy().astype(float), df["纬度"].to_numpy().astype(float)
    u = rng.random(len(lon))
    glon, glat = convert(lon, lat, "WGS84", "GCJ02")
    blon, blat = convert(lon, lat, "WGS84", "BD09")
    crs = np.where(u < p_gcj, "GCJ02", np.where(u < p_gcj + p_bd, "BD09", "WGS84"))
    nlon = np.where(crs == "GCJ02", glon, np.where(crs == "BD09", blon, lon))
    nlat = np.where(crs == "GCJ02", glat, np.where(crs == "BD09", blat, lat))
    return df.with_columns(经度=np.round(nlon, 6), 纬度=np.round(nlat, 6), 坐标系=crs)


def gps_mess(pts: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Duplicate ~0.5% of fixes and deliver the file out of time order in blocks."""
    pts = pts.unique(["车牌号", "定位时间"], keep="first", maintain_order=True)
    dup = pts.filter(pl.Series(rng.random(pts.height) < .005))
    out = pl.concat([pts, dup])
    block = rng.permutation(out.height // 5000 + 1)
    key = pl.Series(block[np.arange(out.height) // 5000])
    return out.with_columns(_k=key).sort("_k", maintain_order=True).drop("_k")


class BadRows:
    """Collects the deliberately broken rows (file, spreadsheet row, column, why)."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, file: str, idx: int, column: str, why: str, title_rows: int = 0) -> None:
        """`row` counts the header line as row 1 (data index 0 -> row 2); `sheet_row` is the
        row Excel shows, i.e. also counting any title rows above the header."""
        self.rows.append(dict(file=file, row=idx + 2, sheet_row=idx + 2 + title_rows,
                              column=column, why=why))


def break_uscc(code: str) -> str:
    """Same code with a wrong check character."""
    good = code[-1]
    alt = tx.USCC_ALPHABET[(tx.USCC_ALPHABET.index(good) + 7) % 31]
    return code[:-1] + alt
