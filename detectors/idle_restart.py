"""idle_restart: a power account dark for months that now draws a sustained load.

The notices single out idle, abandoned and closed plants, farms and houses that come back to
life (闲置、废弃、关停 … 死灰复燃). Daily kWh is cut into weeks counted back from `as_of`; a week
is idle at a median of at most `idle_kwh` a day. Flags an account whose most recent idle week
lies `min_active_weeks`–`max_active_weeks` back, with at least `min_idle_weeks` idle weeks in
the spell before it and, since then, a median of at least `active_kwh` a day on most weeks —
unless on busy days of the same weeks last year (90th percentile, ± `season_slack_days`) it
drew `season_share` of it (irrigation rounds, heating, holiday homes recur) — except where the
account was busy `long_run_weeks` or more before its idle spell: a plant that ran for months,
was shut and now restarts is the 死灰复燃 case even if it stopped about a year ago. A farm
account (`agricultural_class`) gets no such exception: irrigation seasons and cold stores
run for months and stop every year.

Evidence: idle weeks, the highest idle-week median, weeks since the restart, the restart's
kWh/day, the site's registration statuses. Score: 0.3 at the minimums, rising to 1 at
`full_active_kwh` (60 % of the weight, log scale) and `full_idle_weeks` idle weeks (40 %); then
a dead registration (停业/吊销/注销/迁出, no active one) closes `dead_reg_bonus` of the gap to 1, no
registration at all `no_reg_bonus`. Category hint 复燃 where the registration is dead. An account
named as a pump (`pump_words`: 机井, 泵, 灌溉 …) is multiplied by `pump_discount`: irrigation wells
go dark between rounds and restart in every season, with or without last year's history. An
abandoned farm's account is not a pump and keeps its score.

Known false positives: a site sold and legally reopened (new owner, registration not yet
linked), a house reoccupied after years empty, a new tenant in an idle plant, meters that read
zero for months through a collection fault and then recover; a seasonal user whose history
does not reach last year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from detectors.base import run_sql, sql_params

NAME = "idle_restart"
_SQL = Path(__file__).with_suffix(".sql")


@dataclass(frozen=True)
class Params:
    lookback_weeks: int = 60  # history read; the last-year check needs more than 52
    min_days_per_week: int = 3  # readings for a week to count at all
    idle_kwh: float = 5.0  # kWh/day a dark site still draws (lights, a guard, a meter)
    active_kwh: float = 30.0  # kWh/day of a restart, borderline
    full_active_kwh: float = 1000.0  # kWh/day of a restart, blatant
    min_idle_weeks: int = 8
    full_idle_weeks: int = 26
    min_active_weeks: int = 2
    max_active_weeks: int = 26  # older restarts are a running site
    min_active_share: float = 0.7  # of the weeks since the restart, share at active_kwh
    season_share: float = 0.5  # last year's busy days (90th pct) at this share: seasonal
    season_slack_days: int = 14  # last year's same weeks, widened on both sides
    long_run_weeks: int = 12  # busy weeks before the idle spell that make it a plant, not a season
    dead_reg_bonus: float = 0.5
    no_reg_bonus: float = 0.3
    pump_words: tuple[str, ...] = ("机井", "水井", "泵", "灌溉", "排灌", "提灌", "抽水")
    pump_discount: float = 0.5  # a named irrigation pump restarting is its season
    agricultural_class: str = "农业生产用电"  # its long seasons do not count as a plant's long run


def detect(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> pa.Table:
    p = sql_params(params, as_of)
    p["pump_words"] = list(params.pump_words)
    return run_sql(con, _SQL, p)
