"""consignee_unlicensed: hazardous goods delivered by e-waybill to a place with no permit.

Every road shipment of hazardous goods carries an electronic waybill (危险货物道路运输电子运单)
naming the consignee and the unload address. Chemicals are bought to be produced with, stored
or sold; a steel-structure firm, a feed mill or a farmhouse that receives tonnes of 二氯甲烷 or
甲苯 without any hazardous-chemical permit is the notices' category 2 (or 3, 5, 6) in the
transport office's own records. The campaign notices ask offices to screen e-waybills for
exactly this.

Flags a site with e-waybills of the last `waybill_days` delivered to it (consignee = one of
its names, or an unknown consignee unloading within `reach_m`: `xhg_site_waybills`) when no
valid permit is among its members or held under its credit code (those are beyond_permit's).
Each delivery weighs `per_delivery`, less for goods innocent consumers buy in bulk:
`consumable_factor` for common industrial consumables (`consumable_pattern`: pickling acids,
lye, bleach, technical gases; four a month score 0.31), `fuel_factor` for fuel
(construction sites and fleets receive diesel; unlicensed fuel storage is category 6).
A chemical (neither consumable nor fuel) delivered to a site whose registrations name no
trade that uses chemicals (`chemical_trade_pattern` in 经营范围 or name: 化工, 涂料, 医药,
电镀 …) — a steel-structure firm, a feed mill, an unregistered house — weighs
`unrelated_factor` more, and the reason says so. Goods the consignee's registered trade uses
itself (a restaurant's LPG, a brick works' diesel, a steel fabricator's oxygen, a furniture
maker's thinner: `xhg_consigned_waybills` in waybill_common.sql) weigh `in_trade_factor`:
users need no permit and every county has many; the reason says so.
Score 1 − Π(1 − weight): one tanker of a solvent 0.35 (0.53 where no trade uses it), three
~0.73, six ~0.93.

Category hint: 6 when fuel dominates, 5 for a firm named 生物/科技/新材料…, 2 for another
registered firm, 3 for a person or no registration.

Known false positives: end users whose chemicals need no permit (a water works' 次氯酸钠, a
steel plant's 盐酸 — damped, not dropped), a licensed consignee whose permit was not dropped
into the inbox, a trader's goods addressed to its office. Known misses: deliveries in vans
without waybills; a consignee declared under a licensed neighbour's name (see
waybill_mismatch, which compares tracks with waybills).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from detectors import disguised_name
from detectors.base import run_waybill_sql

NAME = "consignee_unlicensed"
_SQL = Path(__file__).with_suffix(".sql")


@dataclass(frozen=True)
class Params:
    waybill_days: int = 28
    reach_m: float = 150.0  # an unknown consignee's unload point this close is the site's
    per_delivery: float = 0.35
    consumable_factor: float = 0.25
    fuel_factor: float = 0.6
    consumable_pattern: str = (
        "^(工业)?(盐酸|硫酸|氢氧化钠|烧碱|液碱|次氯酸钠|氨水|氧|液氧|氧气|氮|液氮|氮气|氩|液氩|氩气|二氧化碳"
        "|乙炔|溶解乙炔|液化石油气|过氧化氢)(溶液)?$")
    fuel_pattern: str = "(汽油|柴油|煤油|燃料油|成品油)"
    unrelated_factor: float = 1.5  # a chemical delivered where no registered trade uses one
    in_trade_factor: float = 0.3  # goods the consignee's own trade uses (xhg_consigned_waybills)
    # a registered trade (经营范围 or name) that buys chemicals for its own business
    chemical_trade_pattern: str = (
        "化工|化学|危险化学品|危化|涂料|油漆|喷漆|溶剂|试剂|医药|药品|农药|染料|印染|油墨|胶粘|树脂|"
        "清洗剂|消毒|电镀|制药|实验")
    name_pattern: str = disguised_name.Params.name_pattern  # the 冠名 words, one list
    min_score: float = 0.25


def detect(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> pa.Table:
    return run_waybill_sql(con, _SQL, params, as_of)
