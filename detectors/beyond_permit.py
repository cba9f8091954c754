"""beyond_permit: a licensed chemical site working beyond its permit (category 1).

Flags: a site holding a hazardous-chemical permit valid on `as_of` when (a) inbound
electronic waybills of the last `waybill_days` unload chemicals that are not in the permit
scope (cargo and scope folded to one key per chemical through the hazchem aliases, so 双氧水
= 过氧化氢溶液, 醋酸 = 乙酸), (a') outbound waybills ship such a chemical from the site: a
product the permit does not name (hazardous waste, 废…, leaving for disposal is none), (b)
its permits are all 不带储存 (trading on paper) yet hazardous goods are unloaded there, or (c)
the site's power over the last `recent_days` is far above its
own baseline: the larger of the median day of the previous `history_days` and the mean of the
same weeks a year ago (seasonal load is not growth); and (d) a site whose permit lapsed
within `lapsed_days` while waybill deliveries go on or its load stays above `running_share`
of its baseline (a plant producing on a lapsed permit).

A waybill belongs to a site when its consignee equals a name of the site (registration,
permit holder, power account), or when its consignee is no entity the warehouse knows and
its unload point lies within `reach_m` of the site point (a neighbour's deliveries in a
chemical park are the neighbour's). A waybill ships from a site when its shipper is a name of
the site and its load point lies within `reach_m` (no point: its load address is the site's),
or when its shipper is no known entity and its load point lies within reach. The scope is
the union of the holder's valid permits (the same credit code, or the same name where a
permit has no code): a firm licensed for a chemical at one of its plants moves it between them.
Score: 1 − (1 − growth_weight·g)(1 − cargo_weight·c)(1 − product_weight·o)
(1 − storage_weight·s)(1 − l), with c = 1 − per_delivery^n for n off-scope deliveries, o the
same for n off-scope shipments, s the same for n deliveries to a permit
without storage, g = ln(ratio/min_growth)/ln(full_growth/min_growth) clipped to 0–1, and
l = 1 − (1 − lapsed_delivery_weight·(1 − ½^n))(1 − lapsed_running_weight·running) for a
lapsed permit.

For a producer (not a trader) the cargo term is scaled by feedstock_share + (1 −
feedstock_share)·growth: off-scope deliveries with flat output are most likely feedstock;
with output growing they are the new products' inputs.

Known false positives: raw materials (a permit lists products, so a plant receiving its
feedstock looks off-scope — damped as above, not removed); a new licensed line whose
permit was amended but not re-filed; legitimate growth after a permitted expansion; a
trader's goods unloaded at its office address on a waybill that really went to a customer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from detectors import chem_terms
from detectors.base import run_sql, sql_params

NAME = "beyond_permit"
SQL = Path(__file__).with_suffix(".sql")


@dataclass(frozen=True)
class Params:
    min_score: float = 0.2  # emit a site only from this score on
    recent_days: int = 14  # the window whose power is compared with the baseline
    history_days: int = 90  # baseline: median day of this many days before the window
    min_growth: float = 1.25  # recent/baseline at which growth starts to count
    full_growth: float = 3.0  # recent/baseline that counts fully
    growth_weight: float = 0.7  # growth alone is weaker evidence than off-scope cargo
    waybill_days: int = 60  # waybills looked at
    reach_m: float = 150.0  # an unload point this close counts when the consignee is unknown
    per_delivery: float = 0.6  # each off-scope delivery leaves this share of doubt
    cargo_weight: float = 0.8  # off-scope cargo may be feedstock: not full weight
    feedstock_share: float = 0.5  # a producer's off-scope cargo without output growth counts this
    product_weight: float = 0.9  # off-scope goods shipped out: products, not feedstock
    storage_weight: float = 0.8  # deliveries to a permit without storage
    lapsed_days: int = 1095  # a permit lapsed this recently still makes a licensed firm
    lapsed_delivery_weight: float = 0.9  # deliveries after the permit lapsed
    lapsed_running_weight: float = 0.6  # load still at its usual level after it lapsed
    running_share: float = 0.5  # recent/baseline that means production goes on


def detect(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> pa.Table:
    with chem_terms.registered(con, beyond_permit_aliases=chem_terms.alias_table()):
        return run_sql(con, SQL, sql_params(params, as_of))
