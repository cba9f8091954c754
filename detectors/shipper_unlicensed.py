"""shipper_unlicensed: hazardous goods loaded by e-waybill at a place with no permit.

A place that ships hazardous chemicals has them: it makes, stores or resells them. Every road
shipment carries an electronic waybill (危险货物道路运输电子运单) naming the shipper and the
load address; a farmhouse, a feed mill or a 科技 firm from which tankers of 甲醇 or drums of
溶剂 leave, with no hazardous-chemical permit, is producing or storing without one — the
campaign notices' 非法生产、储存 in the transport office's own records. consignee_unlicensed
reads the same waybills from the other end (what arrives).

Flags a site with e-waybills of the last `waybill_days` loaded there (`xhg_site_shipments`:
the shipper is one of its names and the load point lies within `reach_m` of the site, or the
load address is the site's; or an unknown shipper's load point lies within reach) when no
valid permit is among its members or held under its credit code (a licensed plant's
shipments are beyond_permit's). Each shipment weighs `per_shipment`: more than a delivery
(consignee_unlicensed 0.35), as loading means the goods were there; `consumable_factor` for
goods that travel back empty or are passed on by users (gas cylinders, acids: a steel
fabricator returning its oxygen cylinders), `fuel_factor` for fuel (category 6). Score
1 − Π(1 − weight): one tanker of a solvent 0.45, three ~0.83.

Category hint: 6 when fuel dominates, 5 for a firm named 生物/科技/新材料…, 2 for another
registered firm, 3 for a person or no registration.

Known false positives: a licensed trader's goods loaded at a third party's warehouse under
the trader's name (the warehouse holds the storage permit: its permit missing from the
inbox), waste collected from a workshop by a licensed disposal firm that wrote the workshop
as shipper, empty returnable packaging declared as full. Known misses: goods leaving in vans
without waybills, or under a licensed neighbour's name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from detectors import consignee_unlicensed, disguised_name
from detectors.base import run_waybill_sql

NAME = "shipper_unlicensed"
_SQL = Path(__file__).with_suffix(".sql")


@dataclass(frozen=True)
class Params:
    waybill_days: int = 28
    reach_m: float = 150.0  # a load point this close to the site is the site's
    per_shipment: float = 0.45
    consumable_factor: float = 0.25
    fuel_factor: float = 0.6
    consumable_pattern: str = consignee_unlicensed.Params.consumable_pattern  # one list
    fuel_pattern: str = consignee_unlicensed.Params.fuel_pattern
    name_pattern: str = disguised_name.Params.name_pattern  # the 冠名 words, one list
    min_score: float = 0.25


def detect(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> pa.Table:
    return run_waybill_sql(con, _SQL, params, as_of)
