"""wrong_class: a workshop's load on an account that should not carry one.

Flags power accounts of class 居民生活用电 or 农业生产用电, and accounts in a person's name
(`xhg_person_name`: 2–4 Chinese characters, after the village when given — 温峪村王德亮 — with
no word of an organisation such as 公司/厂/店/合作社/村委), whose busy-day
level (75th percentile of daily kWh over `window_days`; workshops run some days only) reaches
the class's industrial threshold: `residential_kwh`, `agricultural_kwh`, `person_kwh` (times
`single_phase_factor` without 动力电). A rural
house on 动力电 (three-phase) adds `three_phase_bonus`, a person's name on a residential or
agricultural account `person_bonus`. Where the same weeks last year (± `season_slack_days`)
drew `season_share` of it on busy days while half a year before (± 45 days) it did not, the
score is multiplied by `season_discount`: electric heating and irrigation recur in their
season, a workshop draws the year round. An agricultural account named as a pump
(`pump_words`) is multiplied by `pump_discount`; one named as a farm (`farm_words`: 养殖,
合作社, 大棚 …) that drew as much half a year before by `farm_discount` (ventilated sheds,
heated greenhouses and feed mills run all year; an abandoned farm lighting up did not draw
then and keeps the full score). A load that drew `established_share` of today's busy days in
the same weeks last year and half a year before as well has run for over a year: multiplied
by `established_discount` (a household's mill or welder, several families behind one meter;
a workshop running unnoticed for years is possible, but what is new comes first).

Score: 0.3 at the threshold, 1 at `full_factor` times it (log scale), bonuses close part of
the remaining gap. Category hint 3 (无证无照 house / person).

Known false positives: electric heating (煤改电) in a first winter, farm machinery (磨面, 电焊)
used for days, household-run 个体 shops or mills legally on a person's name, several households
behind one meter, mistaken class in the archive. Known misses: workshops on a commercial
account in a firm's name (see power_surge, night_load).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from detectors import idle_restart
from detectors.base import run_sql, sql_params

NAME = "wrong_class"
_SQL = Path(__file__).with_suffix(".sql")


@dataclass(frozen=True)
class Params:
    window_days: int = 30
    min_days: int = 10
    residential_kwh: float = 40.0  # kWh/day; a rural household draws 3–10, heating up to ~40
    agricultural_kwh: float = 300.0  # a well pump draws 50–300 while running
    person_kwh: float = 50.0  # a person-named commercial account: a shop draws 10–40
    single_phase_factor: float = 1.0  # thresholds times this without 动力电 (1: same)
    full_factor: float = 10.0  # the threshold times this is blatant
    three_phase_bonus: float = 0.3
    person_bonus: float = 0.2
    season_slack_days: int = 14
    season_share: float = 0.5
    season_discount: float = 0.4
    pump_words: tuple[str, ...] = idle_restart.Params.pump_words
    pump_discount: float = 0.5  # a named irrigation pump on a farm account
    farm_words: tuple[str, ...] = ("养殖", "合作社", "农场", "牧场", "种植", "大棚", "温室", "渔场",
                                   "猪场", "鸡场", "牛场", "羊场", "苗圃")
    farm_discount: float = 0.3  # a named farm drawing the same half a year ago: farming
    established_share: float = 0.7  # last year's same weeks drew this share of today's, …
    established_discount: float = 0.6  # … and half a year ago too: a pattern over a year old


def detect(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> pa.Table:
    p = sql_params(params, as_of)
    p["pump_words"] = list(params.pump_words)
    p["farm_words"] = list(params.farm_words)
    return run_sql(con, _SQL, p)
