"""factory_in_factory (厂中厂): a firm's site hosting accounts or entities under other names.

Flags: a site whose host (its registered firm, or a firm-named power account where none is
registered) shares the place with power accounts or registrations under another name, the
pattern of a workshop renting a corner of a firm's yard (挂靠/租赁/厂中厂). Each extra member
scores `person_base` (a person's name, `xhg_person_name`: 2–4 Han characters, after the village when given) or
`other_base`, plus `three_phase_bonus` for 动力电, up to `night_bonus` for a clock-night share
(22–06 h, interval readings of the last `recent_days`) rising from `day_night_share` to
`full_night_share`, and `recent_open_bonus` when it was opened after the host and within
`recent_open_days`. A residential account does not count (a dormitory, the owner's home
behind the shop) unless night-heavy (`full_night_share`), or on 动力电 with more than
`day_night_share` of its use at night; an account in the name of a registration's legal
representative is the host's own; infrastructure accounts (`infrastructure_pattern`: base
stations, street lights, water pumps) are not extras. Only extras scoring `min_extra_score` count. Site score
1 − Π(1 − s), times `crowded_factor` when more than `crowded_names` names share the site (an
office building or park). Category hint '4'.

Evidence: the host names, each extra account with its tariff, 动力电, night share, month
opened, and whether it is in a person's name.

Known false positives: a firm's own second meter opened in the owner's name; canteen or
dormitory accounts on three-phase; subsidiaries and branches named differently; a site
resolver that merges neighbours sharing a village address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from detectors.base import run_sql, sql_params

NAME = "factory_in_factory"
SQL = Path(__file__).with_suffix(".sql")


@dataclass(frozen=True)
class Params:
    min_score: float = 0.4  # emit a site only from this score on
    recent_days: int = 28  # interval window for the night share
    min_extra_score: float = 0.45  # an extra member counts from this score on
    infrastructure_pattern: str = "基站|铁塔|移动通信|联通|电信|广电|路灯|供电|自来水|水利|监控|充电桩"
    person_base: float = 0.25  # an extra account in a person's name
    other_base: float = 0.2  # an extra account or registration under another firm's name
    three_phase_bonus: float = 0.15
    night_bonus: float = 0.45
    day_night_share: float = 0.3
    full_night_share: float = 0.6
    recent_open_days: int = 1095  # opened within three years, after the host
    recent_open_bonus: float = 0.15
    crowded_names: int = 5  # more distinct names than this: a shared building or park
    crowded_factor: float = 0.3


def detect(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> pa.Table:
    return run_sql(con, SQL, sql_params(params, as_of))
