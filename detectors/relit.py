"""relit (死灰复燃): a closed site that shows activity again.

Flags: a site with a closed_sites member (ledger row with 关停日期 before `as_of`) whose power
accounts (the site's, plus the ledger's own 户号) use `near_zero_kwh` a day or more on average
over the last `recent_days`, and at least `min_ratio` times the dormant level (the median day
between closed_on + `grace_days` and the recent window; unknown dormant level when a meter
only appeared lately). Also, where the truck tables exist (`truck_stays`,
`truck_place_visits`), hazmat-truck stays at the site's truck places after closed_on: a second
evidence row. Sites closed through verdicts count too when `outcomes` and `lead_book` exist:
a lead found 已关停, or 属实 and dealt with by 关闭取缔, closed its lead's site on its 核查日期.

Score (power): level·(1 − jump_weight + jump_weight·jump), level = kWh/(kWh + `half_kwh`),
jump = ln(ratio)/ln(`full_ratio`) clipped to 0–1, ratio = recent/max(dormant,
`dormant_floor_kwh`) (`unknown_jump` without a dormant level). Batch work (a few 80 kWh days
in a fortnight of standby) counts through the fortnight's mean.
Score (trucks): 1 − (1 − `truck_visit_weight`)^(visits + night visits). Category hint '复燃'.

Known false positives: a legitimate new tenant at the address (a warehouse, a shop) on a new
meter: it has no dormant-to-active jump, so it scores low or is not emitted, but a tenant who
moves in after a dark period looks like a restart; guards' lighting on the old meter;
trucks passing a place that lies on a road.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from detectors import chem_terms
from detectors.base import conform, has_tables, in_list_join_filters, run_sql, sql_params

NAME = "relit"
POWER_SQL = Path(__file__).with_name("relit_power.sql")
TRUCKS_SQL = Path(__file__).with_name("relit_trucks.sql")
OUTCOMES_SQL = Path(__file__).with_name("relit_outcomes.sql")
TRUCK_TABLES = ("truck_stays", "truck_place_visits")
OUTCOME_TABLES = ("outcomes", "lead_book")
CLOSURES = pa.schema([("site_id", pa.string()), ("name", pa.string()), ("closed_on", pa.date32()),
                      ("measures", pa.string())])


@dataclass(frozen=True)
class Params:
    recent_days: int = 14  # the window whose use is compared
    lookback_days: int = 400  # readings read back from as_of
    grace_days: int = 30  # after closed_on: removal of equipment, final bills
    near_zero_kwh: float = 20.0  # kWh/day below which a meter counts as dark or standby
    half_kwh: float = 20.0  # kWh/day at which the level counts half
    dormant_floor_kwh: float = 1.0  # a dormant level below this counts as this (ratios stay finite)
    min_ratio: float = 2.0  # recent/dormant from which a rise is a finding
    full_ratio: float = 8.0  # recent/dormant that counts fully
    jump_weight: float = 0.6  # share of the score that the dormant-to-active jump decides
    unknown_jump: float = 0.6  # jump assumed when no dormant readings exist
    truck_visit_weight: float = 0.35  # per truck stay after the closure
    parked_min: float = 360.0  # stays this long (overnight parking) are not visits



def outcome_closures(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Sites closed through verdicts on earlier leads (empty before any lead was returned)."""
    if not has_tables(con, OUTCOME_TABLES):
        return CLOSURES.empty_table()
    sql = OUTCOMES_SQL.read_text(encoding="utf-8")
    return con.execute(sql).to_arrow_table().select(CLOSURES.names).cast(CLOSURES)


def detect(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> pa.Table:
    values = sql_params(params, as_of)
    with (chem_terms.registered(con, relit_outcome_closures=outcome_closures(con)),
          in_list_join_filters(con)):
        parts = [run_sql(con, POWER_SQL, values)]
        if has_tables(con, TRUCK_TABLES):
            parts.append(run_sql(con, TRUCKS_SQL, values))
    return conform(pa.concat_tables(parts))
