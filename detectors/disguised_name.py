"""disguised_name: firms named 生物/科技/新材料 whose scope or behaviour is chemical (category 5).

Flags: an active or suspended registration whose name matches `name_pattern` (the campaign's
冠名 words) and whose trade code is not chemical (a 建材科技 firm registered under 2662 making
concrete admixtures declares what it does, and so does one without a code whose 经营范围
produces such a product: chemical_unlicensed weighs it) when its 经营范围
produces chemicals (chem_terms), or when what the site is seen doing does not fit a scope of
技术开发/技术服务/销售 only: industrial tariff or large contract capacity (`industrial_kva`), a
sustained daily load far above an office (`office_kwh` → `industrial_kwh`, log scale), a high
clock-night share (22–06 h, interval readings), hazardous goods delivered by waybill (consignee
= the firm, or an unknown consignee unloading within `reach_m`).

Evidence: the disguise word, the scope finding, tariff and capacity, daily kWh, night share,
deliveries with their cargo. Score: 1 − Π(1 − weight·feature) over these features; the power
features count only `explained_factor` where the scope lists some production (a 新材料 firm
making window frames needs power). Category hint '5'.

Known false positives: real laboratories and pilot plants of biotech firms; data centres
(flat 24-hour load: night share ≈ ⅓) registered as 科技; a tech firm sharing a meter with a
factory that the site resolver merged into its site; fuel for a standby generator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from detectors import chem_terms
from detectors.base import install_trade_macros, run_sql, sql_params

NAME = "disguised_name"
SQL = Path(__file__).with_suffix(".sql")


@dataclass(frozen=True)
class Params:
    min_score: float = 0.4  # emit a site only from this score on
    name_pattern: str = "生物|新材料|科技|新能源|材料技术|化学技术"  # the 冠名 words
    open_code_prefix: str = "26"  # a registration under this trade code declares its chemistry
    recent_days: int = 28  # power window
    waybill_days: int = 90  # waybill window
    reach_m: float = 150.0  # an unload point this close counts when the consignee is unknown
    industrial_kva: float = 315.0  # contract capacity of a factory transformer
    office_kwh: float = 20.0  # kWh/day of an office: load evidence starts here
    industrial_kwh: float = 500.0  # kWh/day that counts fully as a factory
    day_night_share: float = 0.3  # night share of a day-time user (standby only)
    full_night_share: float = 0.55  # night share that counts fully
    explained_factor: float = 0.2  # power weight where the scope lists some production
    scope_weight: float = 0.8
    trade_weight: float = 0.25  # 化工产品销售 in a tech firm's scope: a weak hint
    capacity_weight: float = 0.45
    load_weight: float = 0.5
    night_weight: float = 0.45
    waybill_weight: float = 0.85


def detect(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> pa.Table:
    install_trade_macros(con)
    with chem_terms.registered(con, disguised_name_scope=chem_terms.scope_table(con)):
        return run_sql(con, SQL, sql_params(params, as_of))
