"""power_yoy: a load this year that the same account did not draw in the same weeks last year.

Power companies report year-on-year (同比) growth; the notices ask them for the users whose
consumption surges. `power_surge` compares the last two weeks with the three months before,
so a workshop that started half a year ago already sits in its baseline and is seen by no
surge test. Comparing with the same weeks last year finds it, and takes seasons out by
construction: heating, irrigation, harvests and holidays recur.

Flags an account whose busy-day level over the last `window_days` (75th percentile of daily
kWh: a batch workshop idles some days) is at least `min_ratio` times its busy days in the
same weeks last year (364 days back, weekday-aligned, widened by `season_slack_days` on both
sides; 90th percentile, so an irrigation round or a cold snap shifted by weeks still
cancels) and higher by at least `min_increase_kwh` a day, where the `settled_days` before the
window drew `settled_share` of today's busy-day level already (75th percentile): the rise
is months old. A
fresh surge is `power_surge`'s finding; flagging it here too would count one fact twice.
Both windows need `min_days`
readings: an account opened within the year has no last year (new businesses ramp, see
`power_surge`'s caveats) and is not judged here.

A smaller rise (`night_min_ratio`, at least `night_min_increase_kwh` a day) counts too when
`night_valley_share` of the added energy is drawn in the 谷 hours: a firm adding a day shift
for new orders puts ~20 % of it there, a unit running around the clock ~38 %, one running at
night more — the notices' "新上装置夜间运行" inside a registered firm; it is scored from
`night_min_ratio`. In a big firm the day load dilutes even that: there the 谷 energy itself
(mean kWh a day, the same days last year) at `valley_min_ratio` times and `valley_min_increase_kwh`
more, with `night_valley_share` of the added energy in the 谷 hours, counts (scored from
`valley_min_ratio` to `valley_full_ratio`).

Score: 0.3 at `min_ratio` and `min_increase_kwh`, rising (log scale) to 1 at `full_ratio`
(60 % of the weight) and `full_increase_kwh` (40 %). An increase drawn in 峰/平 hours only (a
firm adding a day shift for new orders) weighs `day_factor`, full from `valley_full_share` of
it in the 谷 hours (as in `power_surge`; where the valley hours are not mostly night,
detectors/tou.py, the 谷 share says nothing: the score stands and the two 谷 paths are off);
an account named as a pump (`pump_words`)
`pump_discount` (irrigation rounds move from year to year). One row per site, its strongest
account.

Known false positives: a house empty last year and lived in now, a firm that grew (more
orders, a new line), a meter replaced with a different multiplier, an electric car or heat
pump new this year (a fleet of electric trucks charged at night, storage heating put in for
煤改电 on the valley tariff: both draw at night); a workshop running since before last year is not seen (see
`wrong_class`, `night_load`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from detectors import idle_restart
from detectors.base import install_growth_macros, run_sql, sql_params

NAME = "power_yoy"
_SQL = Path(__file__).with_suffix(".sql")


@dataclass(frozen=True)
class Params:
    window_days: int = 28
    min_days: int = 14  # readings needed in this year's window and in last year's
    season_slack_days: int = 14  # last year's same weeks, widened on both sides
    settled_days: int = 90  # the months before the window …
    settled_share: float = 0.5  # … drew this share of today's busy-day level: not a fresh surge
    floor_kwh: float = 5.0  # last year's level below this (kWh/day) counts as this
    min_ratio: float = 3.0  # borderline (score 0.3)
    full_ratio: float = 15.0  # blatant
    min_increase_kwh: float = 20.0  # kWh/day added, borderline (a household draws 3–10)
    full_increase_kwh: float = 1000.0  # kWh/day added, blatant
    day_factor: float = 0.6  # an increase drawn wholly in 峰/平 hours (a second day shift)
    valley_full_share: float = 0.3  # 谷 share of the increase from which it counts fully
    night_min_ratio: float = 1.5  # a smaller rise counts (scored from here) when …
    night_valley_share: float = 0.45  # … this share of the added energy is in the 谷 hours …
    night_min_increase_kwh: float = 200.0  # … and it adds this much a day (a firm's new unit)
    # … or the 谷 energy itself grew this much (a big firm whose day load dilutes the total) …
    valley_min_ratio: float = 2.0
    valley_full_ratio: float = 6.0
    valley_min_increase_kwh: float = 100.0  # … by this many kWh a day, night_valley_share of it
    pump_words: tuple[str, ...] = idle_restart.Params.pump_words
    pump_discount: float = 0.5  # a named irrigation pump

    def __post_init__(self) -> None:
        if not 1 < self.min_ratio < self.full_ratio or self.min_increase_kwh <= 0:
            raise ValueError(f"power_yoy: need 1 < min_ratio < full_ratio, min_increase_kwh > 0: {self}")


def detect(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> pa.Table:
    p = sql_params(params, as_of)
    p["pump_words"] = list(params.pump_words)
    install_growth_macros(con)
    return run_sql(con, _SQL, p)
