"""fuel_yard: petrol and diesel tankers unloading repeatedly where no fuel licence is.

Category 6 of the notices: 擅自建设储存设施、无证储存经营汽油柴油 — self-built tanks and
skid-mounted stations (自备/撬装加油站) fed by tankers. A tanker that delivers to a licensed
fuel station is normal; one that keeps delivering to a yard, a depot or a farm is not.

Tankers are plates whose waybills over `tanker_lookback_days` carry cargo matching
`fuel_pattern` (柴油/汽油); their fuel share (fuel waybills / all waybills) tells a tanker from
a mixed carrier. Flags a site (via its `truck_place` members) where tankers made stays of
`min_dwell_min`–`max_dwell_min` minutes in the last `window_days`, at least `min_visits`
stays on `min_days` days, with no valid fuel-trading permit (经营许可 naming 汽油/柴油) within
`licensed_reach_m` nor among the site's members (one within `licence_doubt_m` may be the
same station geocoded off: × `licence_doubt_factor`, named in the reason); a truck's
overnight parking there (median ≥ `park_dwell_min`, mostly night: a tanker driver at home),
public places (> `public_plates` trucks in the window) and stays whose truck's waybill that
day consigns other goods to this very site (a mixed carrier bringing a detergent maker its
lye) are left out.

Score = (0.3 + 0.7 × (0.4 repeat + 0.25 tankers + 0.15 dwell + 0.2 fuel evidence))
× (0.5 + 0.5 × fuel share) × public taper (1 up to `full_plates` trucks of any kind at the
site, 0 past `public_plates`: a roadside restaurant is visited by many), and
× `other_permit_factor` when another (non-fuel) valid permit is within `licence_doubt_m` or
on the site (a licensed chemical firm visited by a mixed carrier), × `self_use_factor` when
diesel is consigned there to a trade that burns it in its machines (brick works, quarries,
concrete plants: `xhg_consigned_waybills`; fleets are not among them); at a site holding a valid
non-fuel permit itself (a licensed plant) only with fuel evidence at all: its carriers that
also haul fuel otherwise bring its chemicals. Repeat is
0 on one day, 1 at `full_days`; tankers 0.6 / 0.85 / 1 for 1 / 2 / 3+; dwell 1 between
`unload_min` and `unload_max`; fuel evidence is the share of stays on a day the truck's
waybill carried fuel, or 1 when a fuel waybill names this site (a member's name, or an
unload point within reach) as consignee. Dedicated tankers delivering four days running to a
yard named on their waybills score ~1.

Evidence: stays, nights, days, tankers (top three), median dwell, fuel share, fuel-waybill
days, fuel waybills consigned here, a non-fuel permit nearby.

Known false positives: fuel stations missing from the permits table (only permits stand in
for a station list), a licensed station's point more than `licensed_reach_m` off; tankers
resting at a restaurant or a weighbridge on the way; a tanker's second home or garage; big
farms and mines receiving diesel in drums for their own machines (legal in small amounts).
Known misses: deliveries by trucks not registered as hazmat vehicles (no tracks), and yards
fed by a tanker whose waybills never name fuel.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from detectors.base import (
    TRUCK_TABLES,
    empty,
    has_tables,
    install_consigned_waybills,
    install_truck_macros,
    run_sql,
    sql_params,
)

NAME = "fuel_yard"
_SQL = Path(__file__).with_suffix(".sql")


@dataclass(frozen=True)
class Params:
    window_days: int = 28
    tanker_lookback_days: int = 90  # waybills telling which trucks carry fuel
    fuel_pattern: str = "汽油|柴油"  # regex on cargo and on permit type + scope
    licensed_reach_m: float = 150.0  # a valid fuel permit this close: a fuel station
    licence_doubt_m: float = 400.0  # a fuel permit this close may be the same station
    licence_doubt_factor: float = 0.6
    min_visits: int = 2
    min_days: int = 2
    min_dwell_min: float = 15.0  # unloading scale, minutes
    max_dwell_min: float = 240.0
    unload_min: float = 20.0  # full dwell credit between these
    unload_max: float = 120.0
    park_dwell_min: float = 360.0  # median stay of one truck at one site: parked there
    park_night_share: float = 0.5
    full_plates: int = 6  # more trucks of any kind than this: the score tapers (a public place)
    public_plates: int = 12  # more trucks than this at a site: a public place, skipped
    full_days: int = 4
    other_permit_factor: float = 0.5
    self_use_factor: float = 0.5  # diesel consigned to a trade that burns it (brick works …)
    min_score: float = 0.2


def detect(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> pa.Table:
    if not has_tables(con, TRUCK_TABLES):  # a county without GPS tracks has no truck stays
        return empty()
    install_truck_macros(con)
    install_consigned_waybills(con, as_of, params.tanker_lookback_days, params.licensed_reach_m)
    return run_sql(con, _SQL, sql_params(params, as_of))

