"""truck_unlicensed_stop: hazmat trucks stopping repeatedly where nobody holds a licence.

The notices ask transport and police to screen hazmat trucks' abnormal tracks (危险化学品运输车辆
异常轨迹): a truck that carries chemicals stops to load or unload, and where it does so with no
licensed firm or fuel station in reach, something unlicensed may be receiving or shipping.

Flags a site (via its `truck_place` members) whose truck stays in the last `window_days`
happen where no valid permit (安全生产/经营/使用许可, incl. fuel stations, which hold 经营许可
naming 汽油/柴油) lies within `licensed_reach_m`, none is among the site's members and
`truck_places.near_fuel_station` is false (the hook for a fuel-station source). Evidence per
site: visits, night visits, days, distinct plates (the top three named), median dwell,
metres to the nearest other power account or registration, whether the site has any
identity at all (a standalone truck place), waybill cargo of the visiting trucks.

Score = visit weight × licence doubt × plate factor
        × (0.25 + 0.75 × (0.35 repeat + 0.25 night + 0.2 dwell + 0.2 remote)):
- repeat: 0 on one day, 1 at `full_days` distinct days;
- night: share of stays meeting clock night (22–6 h);
- dwell: 1 at unloading scale (`unload_min`–`unload_max` minutes), less for a short halt,
  down to 0.3 for all-night parking;
- remote: 0 within `settled_m` of another account or firm, 1 at `remote_full_m`; at least
  `standalone_remote` when the site has no registration, account or permit (无证无照);
- plate factor: one truck `one_plate_factor`, two halfway, 3–`full_plates` trucks 1, then
  falling to 0 past `public_plates`; a site seen by more than `public_plates` trucks in the
  window (counting every stay) is a depot, a car park or a roadside restaurant: no row.
- visit weight: 1 a visit; a stay whose truck's e-waybill (that day or the day before) names
  the site as consignee for goods its registered trade uses itself (LPG to a restaurant,
  oxygen to a steel fabricator: `xhg_consigned_waybills`) `declared_use_weight`, kept remote
  overnight parking `remote_parked_weight` (see below);
- licence doubt: `licence_doubt_factor` when a valid permit lies beyond `licensed_reach_m`
  but within `licence_doubt_m` (a big plant's permit point may sit that far from its gate;
  the reason names the holder so the inspector can check), else 1. Permits are looked for
  only that far (facts' `nearest_permit_m` is NULL beyond), in grid cells that wide.
A blatant case (five nights, three trucks, an hour each, a kilometre from anyone) scores 1.

Drivers' homes: a truck whose stays at a site are mostly at night (`park_night_share`) and
long (median ≥ `park_dwell_min`) is parked there. Where the site is settled (another
account or firm within `settled_m`, or a household account among its members) those stays
are dropped: one truck sleeping in a village is a driver at home. Other trucks' visits to the
same site still count, so a workshop next to a driver's house is not hidden. Parked stays in
a remote spot are kept (a tanker left overnight where nobody lives may be a storage or a
transfer point) but weigh `remote_parked_weight` of a visit: a small haulier's yard in the
fields, four trucks every night, scores ~0.3, not ~0.9; the reason says so.

Roadside services: a site one of whose registrations or accounts is named as a restaurant,
shop, inn or repair shop (`roadside_pattern`) scores `roadside_factor` of the above: drivers
stop there on their way; the reason says so.

Known false positives: unnamed roadside restaurants, repair shops and weighbridges used by a
few regular trucks; a consignee missing from the permits table (a licensed firm whose permit was
not dropped, a fuel station not in the permit list); construction sites receiving diesel;
trucks waiting outside a licensed plant more than `licensed_reach_m` from its permit point.
Known misses: a workshop supplied by unregistered vans (no tracks), or within reach of a
licensed neighbour (厂中厂: see factory_in_factory).
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
    install_consigned_waybills,
    install_truck_macros,
    run_sql,
    sql_params,
)

NAME = "truck_unlicensed_stop"
_SQL = Path(__file__).with_suffix(".sql")


@dataclass(frozen=True)
class Params:
    window_days: int = 28
    min_visits: int = 2  # stays at the site, after parked stays are dropped
    min_days: int = 2  # distinct days: one stop is a halt, not a pattern
    licensed_reach_m: float = 150.0  # a valid permit (or fuel station) this close covers a place
    licence_doubt_m: float = 400.0  # a permit this close may be the same site, geocoded off
    licence_doubt_factor: float = 0.6
    settled_m: float = 300.0  # another account or firm this close: a village, not remote
    remote_full_m: float = 1000.0  # nobody within this: fully remote
    standalone_remote: float = 0.5  # remoteness credited to a site with no identity at all
    residential_class: str = "居民生活用电"  # tariff class of a household account
    park_dwell_min: float = 360.0  # median stay of one truck at one site: parked, not working
    park_night_share: float = 0.5  # share of that truck's stays there meeting the night
    remote_parked_weight: float = 0.3  # a kept (remote) parked stay, as a share of a visit
    declared_use_weight: float = 0.3  # a stay delivering goods the site's own trade uses
    roadside_pattern: str = ROADSIDE_PATTERN  # a restaurant, shop or repair shop on the road
    roadside_factor: float = 0.4  # … where drivers stop on their way: a stop there weighs this
    full_days: int = 5
    unload_min: float = 20.0  # minutes: shorter is a halt
    unload_max: float = 240.0  # minutes: longer is parking
    one_plate_factor: float = 0.35
    full_plates: int = 5  # up to this many trucks: a site's regular suppliers
    public_plates: int = 12  # more trucks than this: a depot or public place, no row
    min_score: float = 0.2


def detect(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> pa.Table:
    if not has_tables(con, TRUCK_TABLES):  # a county without GPS tracks has no truck stays
        return empty()
    install_truck_macros(con)
    install_consigned_waybills(con, as_of, params.window_days + 1, params.licensed_reach_m)
    return run_sql(con, _SQL, sql_params(params, as_of))

