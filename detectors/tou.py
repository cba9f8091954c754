"""tou: which clock hours are the 谷 (valley) hours, read off the data, not assumed.

The power detectors measure night by clock hours from interval readings; where an account has
only daily readings, its 谷 share stands in (night_load), and the 谷 share of an increase says
whether added load runs at night (power_surge, power_yoy); peer_outlier compares 谷 shares
among accounts without interval readings. That holds only where the valley is
mostly night: Shanxi's valley is 00–07 and 11–13 (six of its nine hours in the clock night
22–06), but provinces set their own periods and some put the valley at midday (09–17), where a
high 谷 share means a day shift.

So before the detectors run, the screening reads the valley hours off accounts that have both:
for account-days with the daily 谷 kWh and 24 clock hours of interval readings summing to the
day's total (`tou.sql`, a per-mille sample of accounts so a province reads a few thousand),
the set V of clock hours whose kWh adds up to the 谷 kWh with the least squared error, among
the sets of one or two runs of hours (a tariff hour is in or out, and the valley is one or two
blocks of the clock: `_candidates`, 21,804 sets scored at once from the 24 × 24 sums).
With at least `min_account_days` and a fit of R² ≥ `min_r2`, V is recorded with the share of
its hours in the clock night; the valley counts as night (`is_night`) when at least
`min_night_share` of its hours are.

Otherwise (a county whose power office sends daily readings only) the day's own rhythm
decides: most firms of the commercial class (一般工商业) work by day, so their median 谷 share
is low where the valley is night (21 % in our Shanxi counties: 00–07 and 11–13) and high where
it is daytime (55 % with 09–17); from `max_day_share` on the valley is taken as day (source
推断（日电量）, hours unknown). With neither, the valley is taken as night, as before (source
默认). Table `tou_valley`, one row; `detectors.base.install_valley_macro` turns it into the
macro `xhg_valley_is_night()` the detectors read.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np

from detectors.base import sql_params
from sources.sqlfile import bound, statements

_SQL = Path(__file__).with_suffix(".sql")
NIGHT_HOURS = frozenset((22, 23, 0, 1, 2, 3, 4, 5))  # the clock night of night_load's default


@dataclass(frozen=True)
class Params:
    days: int = 3  # days of readings read (tariff periods do not change week to week)
    sample_accounts: int = 3000  # accounts of all kinds to sample (a share of them have both)
    max_mismatch: float = 0.05  # the interval day may differ this much from the daily total
    min_account_days: int = 50
    min_r2: float = 0.9
    min_night_share: float = 0.5
    # without interval readings: the commercial class's median 谷 share at which the valley
    # is daytime, over share_days, from min_day_accounts accounts on
    day_class: str = "%工商业%"
    share_days: int = 28
    min_day_accounts: int = 30
    max_day_share: float = 0.4


@dataclass(frozen=True)
class Valley:
    source: str  # '推断' (fitted), '推断（日电量）' (the commercial class's 谷 share) or '默认'
    hours: tuple[int, ...] | None
    night_share: float | None
    r2: float | None
    account_days: int
    is_night: bool
    day_share: float | None = None  # the commercial class's median 谷 share (no fit)

    def describe(self) -> str:
        """One Chinese line for the analyst."""
        if self.hours is None:
            why = (f"拟合不佳（R²={self.r2:.2f}）" if self.r2 is not None else "数据不足")
            head = f"谷段时段：无法推断，{why}（同时有分时与日峰平谷电量的户日 {self.account_days} 个）"
            if self.day_share is None:
                return head + "，按谷段即夜间处理"
            return (head + f"；一般工商业户谷段电量占比中位 {100 * self.day_share:.0f}%，"
                    + ("谷段以夜间为主，谷段电量可作夜间用电的弱指标" if self.is_night
                       else "谷段在白天，不以谷段电量推断夜间用电"))
        spans = _spans(self.hours) or "无"
        verdict = ("谷段电量可作夜间用电的弱指标" if self.is_night
                   else "谷段不是夜间，不以谷段电量推断夜间用电")
        return (f"谷段时段（据 {self.account_days} 个户日的分时与日电量推断，拟合 R²={self.r2:.2f}）："
                f"{spans}；其中夜间(22–6时)占 {100 * (self.night_share or 0):.0f}%，{verdict}")


def _spans(hours: tuple[int, ...]) -> str:
    """(0, 1, …, 6, 11, 12) → '0–7时、11–13时'."""
    out, start = [], None
    for h in range(25):
        if h < 24 and h in hours:
            start = h if start is None else start
        elif start is not None:
            out.append(f"{start}–{h}时")
            start = None
    return "、".join(out)


@functools.cache
def _candidates() -> np.ndarray:
    """Every set of clock hours made of one or two runs (cyclic: 22–08 is one run), as 0/1 rows.
    Tariff periods are a few blocks of the clock; China's provinces put the valley in one
    (00–08) or two (00–07 and 11–13; 22–08 and 11–13)."""
    singles = np.array([[1.0 if (h - start) % 24 < length else 0.0 for h in range(24)]
                        for start in range(24) for length in range(1, 24)])
    i, j = np.triu_indices(len(singles), 1)
    pairs = singles[i] + singles[j]
    pairs = pairs[(pairs.max(1) == 1) & (_runs(pairs) == 2)]
    return np.unique(np.vstack([singles, pairs]), axis=0)


def _runs(masks: np.ndarray) -> np.ndarray:
    """The number of runs of hours in each 0/1 row (cyclic): the hours in whose hour before is out."""
    return ((masks == 1) & (np.roll(masks, 1, axis=1) == 0)).sum(1)


def _fit(x: np.ndarray, y: np.ndarray) -> tuple[tuple[int, ...], float]:
    """Of the one- and two-run hour sets, the one whose kWh sums best to y (least squares), and
    its R²; one run where it fits as well as any two."""
    masks = _candidates()
    g, b, c = x.T @ x, x.T @ y, float(y @ y)
    sse = c - 2 * masks @ b + np.einsum("ij,jk,ik->i", masks, g, masks)
    best = int(np.lexsort((_runs(masks), np.round(sse / max(c, 1e-12), 12)))[0])
    spread = float(((y - y.mean()) ** 2).sum()) or 1.0
    return tuple(int(h) for h in np.flatnonzero(masks[best])), 1 - float(sse[best]) / spread


def infer(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> Valley:
    (n_accounts,) = con.execute("select count(*) from power_accounts").fetchone()
    values = sql_params(params, as_of) | {
        "permille": min(1000, max(1, math.ceil(1000 * params.sample_accounts / max(n_accounts, 1))))}
    sql = statements(_SQL)["account_days"]
    rows = con.execute(sql, bound(sql, values)).fetchall()
    r2 = None
    if len(rows) >= params.min_account_days:
        x = np.array([r[3] for r in rows], dtype=float)
        y = np.array([r[2] for r in rows], dtype=float)
        hours, r2 = _fit(x, y)
    if r2 is None or r2 < params.min_r2:
        r2 = None if r2 is None else round(r2, 3)
        sql = statements(_SQL)["day_shares"]
        median_share, n = con.execute(sql, bound(sql, values)).fetchone()
        if n >= params.min_day_accounts and median_share is not None:
            return Valley("推断（日电量）", None, None, r2, len(rows), median_share < params.max_day_share,
                          round(median_share, 3))
        return Valley("默认", None, None, r2, len(rows), True)
    share = len(NIGHT_HOURS.intersection(hours)) / len(hours) if hours else 0.0
    return Valley("推断", hours, round(share, 3), round(r2, 3), len(rows), share >= params.min_night_share)


def record(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> Valley:
    """Infer the valley hours and write them to table `tou_valley` (one row)."""
    v = infer(con, as_of, params)
    con.execute("""
        create or replace table tou_valley (as_of date, source varchar, valley_hours integer[],
            night_share double, r2 double, account_days bigint, is_night boolean, day_share double)""")
    con.execute("insert into tou_valley values (?, ?, ?, ?, ?, ?, ?, ?)",
                [as_of, v.source, list(v.hours) if v.hours is not None else None, v.night_share, v.r2,
                 v.account_days, v.is_night, v.day_share])
    return v
