"""peer_outlier: an account whose load shape is unusual among accounts of its tariff class.

Features per account (recent `window_days`, against the `baseline_days` before): level ln(1 +
median kWh/day), growth ln of recent over the larger of the prior median and last year's busy
days in the same weeks (90th percentile, ± `season_slack_days`; an irrigation or heating season
is no growth), weekend/weekday kWh ratio, steadiness (minus the day-to-day coefficient of
variation), night share (clock hours from interval readings) or, for accounts without them, the
daily 谷 share as a feature of its own (the valley is not the night, and its peers are the
accounts without interval data; none where the valley is not mostly night,
detectors/tou.py). Each is turned into a robust z-score within the tariff class —
(x − median) / (1.4826 · MAD), MAD floored at `min_spread` — counted only in the suspicious
direction (higher) and capped at `max_z`; the combined score is their Euclidean norm. Classes
with fewer than `min_peers` accounts are skipped. Robust z-scores rather than an isolation
forest: they explain themselves (the reason names every feature with z ≥ `name_z`, its value
and the class median) and need no fitting.

Only `scored_features` count (by default all but growth: a surge is power_surge's finding,
and one fact should not score twice in the power family). Score: 0.3 at combined z `min_z`,
1 at `full_z`. Accounts below `min_kwh` a day are left out.

An account whose busy days in the same weeks last year reached `established_share` of its
level today is odd but not new (a big farm's fans, a mill): × `established_discount`, and
the reason says so — as in night_load and wrong_class, what is new comes first.

Readings beyond what the connection can carry are dropped as data errors: a day above
`absurd_kva_factor` × contract kVA × 24 h, an interval reading above four times that power
for an hour, whatever its length (power_common.sql).

Known false positives: anything big or odd within its class — a large farm on 农业, a
village's shared transformer on 居民, a school, a 24-hour shop; classes mixing very different
users (一般工商业) make shape features noisy. Known misses: a workshop shaped like its peers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from detectors.base import install_power_macros, run_sql, sql_params

NAME = "peer_outlier"
_SQL = Path(__file__).with_suffix(".sql")


@dataclass(frozen=True)
class Params:
    window_days: int = 28
    baseline_days: int = 90
    season_slack_days: int = 14  # last year's same weeks, widened on both sides
    min_days: int = 14
    night_start_hour: int = 22
    night_end_hour: int = 6
    min_peers: int = 30
    min_spread: float = 0.05  # floor of a scaled MAD (features are logs, ratios, shares)
    max_z: float = 10.0  # one feature cannot carry everything
    name_z: float = 3.0  # features named in the reason
    min_z: float = 6.0  # combined z, borderline
    full_z: float = 15.0
    min_kwh: float = 20.0  # kWh/day, recent median
    established_share: float = 0.7  # last year's same weeks drew this share of today's level …
    established_discount: float = 0.6  # … : an odd load over a year old (as night_load, wrong_class)

    absurd_kva_factor: float = 5.0  # readings above this × contract kVA are data errors
    # the features that score; growth is power_surge's (season-aware, and one fact should
    # not count twice in the power family)
    scored_features: tuple[str, ...] = ("level", "weekend", "steadiness", "night", "valley")

def detect(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> pa.Table:
    p = sql_params(params, as_of)
    p["scored_features"] = list(params.scored_features)
    install_power_macros(con)
    return run_sql(con, _SQL, p)
