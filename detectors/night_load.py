"""night_load: consumption concentrated in the night, when illegal workshops run unseen.

The notices tell offices to screen night consumption (夜间用电量排查): reactors run at night in
idle plants and houses. From interval readings over the last `window_days`, the share of kWh
in clock hours `night_start_hour`–`night_end_hour` (Beijing wall clock; a flat 24-hour load
gives 8/24 = 33 %) and the night-to-day ratio of kWh per hour. Where an account has no
interval data, the daily 谷 (valley) share stands in, at `proxy_weight`: the valley is a tariff
period, not the night (Shanxi: 00–07 and 11–13; a flat load gives 9/24 = 38 %), and the proxy
is used only where the screening found the valley hours mostly at night (detectors/tou.py:
some provinces put the valley at midday).

Evidence: night share, night kWh/day, night/day hourly ratio, the midday-valley ratio, a
night-trade word in the account name. Score: 0.3 at `min_share` and `min_night_kwh`, 1 at
`full_share` (70 % of the weight) and `full_night_kwh` (30 %, log scale); or, if higher, the same
scale over the rise of the night share against the account's own `before_days` before the
window (`min_rise`–`full_rise`, with the night kWh/day added): a new night shift on a plant
whose day load dilutes the share; or, where it dilutes even the rise, a load of at least
`min_added_night_kwh` a night added since with `min_added_night_share` of the added energy
in the night (a 24-hour unit adds 8/24): "新上装置夜间运行" inside a big plant. The proxy is
scaled by `proxy_weight`. Discounts for what honestly looks the same at night:
- a night trade named on the account or on a registration of its site (`night_trades`: cold
  stores, ice makers, bakeries, water works, internet cafés, karaoke, bathhouses, lodging, EV
  charging …), or a licensed night-time activity in such a registration's 经营范围
  (`night_scopes`: 互联网上网服务, 歌舞娱乐 …) × `trade_discount`;
- tariff followers × `tariff_discount`: a load that also rises in the midday valley hours
  (`midday_valley_start`–`_end`, ratio to the other day hours ≥ `tariff_follow_ratio`) is
  chasing the cheap tariff, not hiding from daylight.
- dawn trades × `dawn_discount`: load that starts only after the first three night hours
  (evening below `dawn_evening_ratio` × the small hours) and runs on into the three hours
  after the night (at least `dawn_morning_ratio` × the small hours) is a bakery's, a tofu
  maker's, a breakfast kitchen's day, not a reactor hidden in the dark.
- an established load × `established_discount`: the daily level in the same weeks last year
  and half a year ago reached `established_share` of today's, and the night share did not
  rise lately — a farmhouse's storage heater or dryer running for years (as in `wrong_class`:
  a workshop running unnoticed for years is possible, but what is new comes first).

Days are counted as the span of readings (a distinct count costs several scans), so a
whole-day gap lowers the per-day figures a little. Readings beyond what the connection can
carry are dropped as data errors: a day above `absurd_kva_factor` × contract kVA × 24 h, an
interval reading above four times that power for an hour, whatever its length
(power_common.sql).

Known false positives: ice makers, cold stores and bakeries not named as such (by night share
alone an ice maker on valley power is indistinguishable from a night reactor), electric
heating with storage (蓄热) in winter, night irrigation, street lighting, base stations on
a small daytime load. Known misses: a workshop that also runs by day (see continuous_load).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from detectors.base import (
    NIGHT_SCOPES,
    NIGHT_TRADES,
    in_list_join_filters,
    install_power_macros,
    run_sql,
    sql_params,
)

NAME = "night_load"
_SQL = Path(__file__).with_suffix(".sql")


@dataclass(frozen=True)
class Params:
    window_days: int = 28
    min_days: int = 7  # days with readings needed
    night_start_hour: int = 22  # clock hours, Beijing
    night_end_hour: int = 6
    min_share: float = 0.45  # night share that is borderline (flat load: 0.33)
    full_share: float = 0.8
    min_night_kwh: float = 20.0  # night kWh a day, borderline (a household heater is less)
    full_night_kwh: float = 500.0
    before_days: int = 28  # the account's own earlier interval data, for a rise
    min_rise: float = 0.1  # night share points gained over it, borderline
    full_rise: float = 0.4
    # … or a big load added mostly at night (a plant's new unit, diluted by its day load)
    min_added_night_kwh: float = 300.0  # night kWh a day added (a household heater is < 50)
    min_added_night_share: float = 0.6  # of the energy added since (a 24-hour unit adds 0.33)
    min_valley_share: float = 0.6  # proxy from daily 谷 (flat load: 0.375)
    full_valley_share: float = 0.9
    proxy_weight: float = 0.5
    midday_valley_start: int = 11  # Shanxi's midday valley period
    midday_valley_end: int = 13
    tariff_follow_ratio: float = 1.3
    tariff_discount: float = 0.6
    night_trades: tuple[str, ...] = NIGHT_TRADES
    night_scopes: tuple[str, ...] = NIGHT_SCOPES
    trade_discount: float = 0.5
    dawn_evening_ratio: float = 0.5  # evening load below this × the small hours' …
    dawn_morning_ratio: float = 0.5  # … and morning load at least this × it: a dawn trade
    dawn_discount: float = 0.6
    season_slack_days: int = 14  # last year's same weeks, widened on both sides
    established_share: float = 0.7  # last year's same weeks and half a year ago drew this share …
    established_discount: float = 0.6  # … of today's daily level, with no new night shift since

    absurd_kva_factor: float = 5.0  # readings above this × contract kVA are data errors

def detect(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> pa.Table:
    p = sql_params(params, as_of)
    p["night_trades"] = list(params.night_trades)
    p["night_scopes"] = list(params.night_scopes)
    install_power_macros(con)
    # the established check probes a year of daily readings for the accounts found: an IN list
    # filter on the scan, not a Bloom filter, from 50 accounts on (see detectors.base.in_list_join_filters)
    with in_list_join_filters(con):
        return run_sql(con, _SQL, p)
