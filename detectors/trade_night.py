"""trade_night: a registered firm's night load, unusual for firms of its own trade.

The notices name firms that are not chemical works but produce hazardous chemicals on the
side (category 2, 非化工企业超营业范围): a feed mill or a steel-structure shop with a reactor
in a back room. Its registration and its tariff class say nothing, and its load grows no
more than a busy year's; what gives it away is a night that its trade does not have — a
reaction kept warm and stirred through the night while the county's other feed mills draw
only their lights and fridges. peer_outlier compares an account with its tariff class
(一般工商业 mixes shops, schools and mills); this compares it with the firms registered in the
same trade (GB/T 4754 industry code of the registry, or where a firm filed none the trade its
name or 经营范围 names: base.install_trade_macros), where a night shape is telling.

From interval readings over the last `window_days`: the mean hourly load in clock-night hours
(`night_start_hour`–`night_end_hour`) over that in weekday working hours
(`day_start_hour`–`day_end_hour`). Peers are the accounts at sites of the same 4-digit trade,
or of its 3-digit group when the trade has fewer than `min_peers` or the firm's words name
only the group (none below that); the
yardstick is the ratio that `peer_quantile` of them stay under — an upper quantile, not the
median: a trade holds day-shift shops and firms with a night guard or a fridge. An account on
a site of several trades (a 厂中厂) is judged against the trade that explains it best; a meter
named for another body (a base station) is not the firm's; an account or firm named for a
night trade (`night_trades`: an ice maker, a cold store, a bakery registered under another
code), or a firm whose 经营范围 holds a licensed night-time activity (`night_scopes`: an
internet café registered as 某某网络科技 under a software code), is left out. Found from
`min_rel` × the yardstick, with the night drawing at least `min_excess_kwh_h` kWh an hour more
than the yardstick gives (a fridge or a night light is less). Score: 0.3 at `min_rel`, 1 at
`full_rel`. No category hint: the site's make-up decides (an active firm's is category 2; a
revoked firm's idle plant, rented out, is 3).

Readings beyond what the connection can carry are dropped as data errors: a day above
`absurd_kva_factor` × contract kVA × 24 h, an interval reading above four times that power
for an hour, whatever its length (power_common.sql).

Known false positives: a firm that runs a night shift its trade mostly does not (a mill busy
before harvest), a firm whose registered trade is not what it does (the registry's code is
often the founder's guess), night-trade tenants on the firm's meter. Known misses: accounts
without interval readings, firms whose code is missing and whose name and scope name no trade
(科技, 实业, 商贸), trades with few firms in the county,
a unit that runs by day only.
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
    install_power_macros,
    install_trade_macros,
    run_sql,
    sql_params,
)

NAME = "trade_night"
_SQL = Path(__file__).with_suffix(".sql")


@dataclass(frozen=True)
class Params:
    window_days: int = 28
    min_days: int = 14  # days spanned by the readings
    night_start_hour: int = 22  # clock hours, Beijing
    night_end_hour: int = 6
    day_start_hour: int = 8  # weekday working hours
    day_end_hour: int = 18
    min_peers: int = 20  # accounts of the trade (or its 3-digit group) with readings
    peer_quantile: float = 0.9  # the night/day ratio most of the trade stays under
    min_rel: float = 1.5  # the account's ratio over that quantile, borderline
    full_rel: float = 4.0
    min_excess_kwh_h: float = 2.0  # kWh an hour drawn at night beyond that ratio (a fridge, a light: less)
    person_name_chars: int = 4  # an account name this short is a person's
    night_trades: tuple[str, ...] = NIGHT_TRADES  # named on the account or a firm of the site: left out
    night_scopes: tuple[str, ...] = NIGHT_SCOPES  # in a 经营范围 of a firm of the site: left out
    absurd_kva_factor: float = 5.0


def detect(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> pa.Table:
    p = sql_params(params, as_of)
    p["night_trades"] = list(params.night_trades)
    p["night_scopes"] = list(params.night_scopes)
    install_power_macros(con)
    install_trade_macros(con)
    return run_sql(con, _SQL, p)
