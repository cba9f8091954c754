"""power_surge: consumption that surges far above the account's own history.

Flags a site whose power account drew, over the last `recent_days` (to `as_of`), an
upper-quartile daily kWh (a batch workshop idles some days) far above the median of the
`baseline_days` before — the "短期内用电量激增" list the notices ask power companies for.
Season-aware: where history allows, the same weeks last year (364 days back,
weekday-aligned) are looked at; the ratio is divided by last year's own
surge at that time, and capped by how far this year exceeds last year's busy-day level (90th
percentile within ± `season_slack_days`) and beyond the highest monthly median of the year
before the baseline. Irrigation rounds and winter heating recur, so they cancel out; a site
that returns to an earlier level is `idle_restart`'s business, not a surge.

Evidence: recent and baseline medians (kWh/day), ratio, last-year ratio or level, net ratio.
Score: 0.3 at `min_ratio` and `min_increase_kwh`, rising (log scale) to 1 at `full_ratio` (60 %
of the weight) and `full_increase_kwh` (40 %); one row per site, from its strongest account.
Then when the added energy is drawn: the 谷 (valley) share of the increase in mean daily kWh,
from the daily 峰/平/谷 split. A firm taking a big order adds a day shift (峰/平 hours); a
reactor runs around the clock (a 24-hour load puts about a third in the valley hours) and
hidden work runs at night. An increase with no valley share weighs `day_factor`, rising
linearly to full at `valley_full_share`; without the split, or where the valley hours are not
mostly night (detectors/tou.py reads them off the data), the score stands. An account named
as an irrigation pump (`pump_words`, as in `idle_restart`) weighs `pump_discount`: its rounds
move by weeks from year to year, so last year's same weeks do not always take them out.

Known false positives: a new business ramping up within its first months (its baseline is
its own start), a firm taking big new orders or adding shifts, a first season of heating or
irrigation with no history last year, a meter replaced with a different multiplier.
Medians make single absurd days and meter gaps harmless; accounts with fewer than
`min_recent_days` / `min_baseline_days` readings are skipped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from detectors import idle_restart
from detectors.base import install_growth_macros, run_sql, sql_params

NAME = "power_surge"
_SQL = Path(__file__).with_suffix(".sql")


@dataclass(frozen=True)
class Params:
    recent_days: int = 14
    baseline_days: int = 90
    min_recent_days: int = 7  # readings needed in the recent window
    min_baseline_days: int = 30
    season_slack_days: int = 14  # last year's same weeks, widened on both sides
    floor_kwh: float = 5.0  # a baseline below this (kWh/day) counts as this: no infinite ratios
    min_ratio: float = 2.5  # net ratio that is borderline (score 0.3)
    full_ratio: float = 10.0  # net ratio that is blatant
    min_increase_kwh: float = 30.0  # kWh/day added, borderline
    full_increase_kwh: float = 1000.0  # kWh/day added, blatant
    day_factor: float = 0.6  # an increase drawn wholly in 峰/平 hours (a second day shift)
    valley_full_share: float = 0.3  # 谷 share of the increase from which it counts fully
    pump_words: tuple[str, ...] = idle_restart.Params.pump_words
    pump_discount: float = 0.5  # a named irrigation pump


def detect(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> pa.Table:
    p = sql_params(params, as_of)
    p["pump_words"] = list(params.pump_words)
    install_growth_macros(con)
    return run_sql(con, _SQL, p)
