"""waybill_mismatch: trucks unloading where no e-waybill of theirs says they should.

Every hazmat road transport carries an electronic waybill (危险货物道路运输电子运单) naming
shipper, consignee, load and unload addresses. The notices ask offices to screen e-waybills
and abnormal tracks together: a truck that stops for an unloading-scale time at a place that
is neither end of any of its waybills that day delivered (or loaded) off the books.

Flags a site (via its `truck_place` members) with stays in the last `window_days` that
- last `min_dwell_min`–`max_dwell_min` minutes (unloading scale; shorter is a halt, longer
  parking), at a place with no fuel station near (`truck_places.near_fuel_station`: trucks
  refuel there) and no permit among the site's members, not a truck's overnight parking
  (median ≥ `park_dwell_min`, mostly night) and not a public place (> `public_plates` trucks
  in the window), and
- match none of the truck's waybills dated on the stay's days or `waybill_days_before`
  earlier: an end matches when its point (the waybill's coordinates, else the point of the
  registration, permit or power account of that name, else of that address, compared
  without blanks and the `region_prefix`) lies within `match_m`, or when its party or address
  is a member of the site.
Another holder's valid permit within `licensed_reach_m` explains a stay whose waybill names
it (an end within `match_m`) or a truck with no waybill (come empty, to load), not goods
declared to a consignee elsewhere: those were handed over under another firm's name, beside
a licensed yard or plant (such a stay weighs `neighbour_factor`; the reason names the
holder). Each unmatched stay is one of: `elsewhere` (the declared unload point is located and far:
weight 1), `no_waybill` (the truck has no waybill those days: `no_waybill_weight`; an empty
truck needs none), `unlocated` (the declared unload address is nowhere in the county's
records, mostly out of the county: `unlocated_weight`; a stop en route looks the same).

Score = mean weight × (0.5 + 0.5 × share of the site's candidate stays that mismatch)
× public taper × (0.2 + 0.8 × (0.5 repeat + 0.2 plates + 0.3 night)): repeat is 0 on one
day, 1 at `full_days`; plates 0 for one truck, 1 for three; night is the night share with a
single stay counted half; the public taper is 1 up to `full_plates` trucks of any kind at the
site and 0 past `public_plates`. One daytime stay with the consignee 20 km away scores 0.2
(below `min_score`: en-route stops look the same), one at night ~0.3; four night deliveries
by two trucks declared to a firm 20 km away ~0.8; six by six trucks ~1.

A site named as a restaurant, shop, inn or repair shop (`roadside_pattern`, a registration's
or account's name) scores `roadside_factor` of that: drivers stop there on their way.

Evidence: mismatched and candidate stays, nights, days, plates (top three), counts by kind,
the consignee most declared and its distance, the most declared out-of-county address, cargo.

Known false positives: meal and rest stops of loaded trucks en route (mostly `unlocated`),
repair shops, weighbridges; consignees unloading at a second yard not in any register;
waybills with wrong or missing coordinates for a consignee whose name differs from its
registration; trucks running empty between jobs (`no_waybill`); trucks waiting beside a
licensed plant for a consignee more than `match_m` away. Known misses: a workshop that is
itself the declared consignee under a registered name (see beyond_permit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from detectors.base import (
    ROADSIDE_PATTERN,
    TRUCK_TABLES,
    empty,
    has_tables,
    install_truck_macros,
    run_sql,
    sql_params,
)

NAME = "waybill_mismatch"
_SQL = Path(__file__).with_suffix(".sql")


@dataclass(frozen=True)
class Params:
    window_days: int = 28
    waybill_days_before: int = 1  # a waybill dated the day before covers a night delivery
    match_m: float = 1000.0  # a waybill end this close to the stay explains it
    licensed_reach_m: float = 150.0  # a valid permit this close: a licensed place (see above)
    neighbour_factor: float = 0.6  # an unexplained stay beside another holder's licensed site
    min_dwell_min: float = 15.0  # unloading scale, minutes
    max_dwell_min: float = 360.0
    park_dwell_min: float = 360.0  # median stay of one truck at one site: parked there
    park_night_share: float = 0.5
    no_waybill_weight: float = 0.6
    unlocated_weight: float = 0.5
    full_days: int = 5
    full_plates: int = 6
    public_plates: int = 12  # more trucks than this at a site: a public place, skipped
    roadside_pattern: str = ROADSIDE_PATTERN  # a restaurant, shop or repair shop on the road
    roadside_factor: float = 0.4  # … where drivers stop on their way: a stop there weighs this
    min_score: float = 0.25
    # 山西省运城市夏县 / 运城市夏县 / 夏县: stripped before addresses are compared
    region_prefix: str = r"^(\p{Han}{2,3}省)?(\p{Han}{2,4}市)?(\p{Han}{1,3}[县区])?"


def detect(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> pa.Table:
    if not has_tables(con, TRUCK_TABLES):  # a county without GPS tracks has no truck stays
        return empty()
    install_truck_macros(con)
    return run_sql(con, _SQL, sql_params(params, as_of))

