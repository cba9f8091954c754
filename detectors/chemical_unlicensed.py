"""chemical_unlicensed: chemical production at a site with no valid hazardous-chemical permit.

Flags: a registration at a site whose trade code is in GB/T 4754 division 26 (化学原料和化学
制品制造业) or whose 经营范围 names hazardous chemicals or 化工 words in a production clause
(生产/制造/加工/合成/提炼/分装/回收 …), when no permit of the site (by membership, holder
uscc or holder name) is valid on `as_of`. An expired permit is no permit. A site holding only
a trading or use permit while its scope produces named hazardous chemicals is flagged weaker
(category hint '1'). A firm selling 汽油/柴油 without a valid permit is flagged weakly with
hint '6'. Licensed fuel retail, 化肥/农药 retail and other trade clauses are not production.

Evidence: matched chemical names and words, the trade code and its name, the permit situation
(none, expired on a date, or only a trading permit), the registration status.
Score: 1 − (1 − scope)·(1 − code·½ if the scope also speaks, else code), times a status
factor (吊销/注销 `inactive_factor`, 停业 `suspended_factor`), `no_power_factor` when no power
account belongs to the site and `idle_factor` when its accounts' median day over the last
`recent_days` is below `idle_kwh` (a registration on paper, or an office: no plant runs on
that; a county's registry holds many chemical firms that never started). The two weigh alike
(0.6): a site with no meter at all shows no more sign of a plant than one with an idle meter,
and a registry of real firms holds many a registration to produce chemicals that no meter,
truck or permit joins — a desk check for the permit office first, not the top of the list
(a hazardous chemical in the scope, no permit: 0.92 × 0.6 = 0.55, about 28 points). Scope: a hazardous
chemical in a production clause 0.88–0.95, a 化工 word its own weight (chem_terms.CHEM_WORDS),
halved when the clause says 不含危险化学品 (and the code's weight halved too where the scope
declares 不含危险化学品 at all: most division-26 firms make goods that need no permit, such as
water-based coatings, water treatment agents, glues, and say so); code weights in
chem_terms.CODE_WEIGHTS (fertiliser, daily chemicals low).
Category hint: '1' for an existing chemical firm (a trading permit only, or a lapsed permit),
'6' for fuel trade, '3' for 个体工商户 (USCC 92…) or workshop-like names, else '2'.

Known false positives: producers of non-hazardous chemicals (water-based coatings, water
treatment agents, fertiliser blending) that need no permit; permits filed under another name
and uscc than the registration and not joined by sites; scopes that list 生产 for goods they
only sell; a licensed plant whose permit renewal has not reached the permits table yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from detectors import chem_terms
from detectors.base import install_trade_macros, run_sql, sql_params

NAME = "chemical_unlicensed"
SQL = Path(__file__).with_suffix(".sql")


@dataclass(frozen=True)
class Params:
    min_score: float = 0.35  # emit a site only from this score on
    inactive_factor: float = 0.5  # registration 吊销/注销: the firm is gone, the site may not be
    suspended_factor: float = 0.8  # registration 停业/歇业
    # no power account at the site: a registration on paper, or a meter the resolver could not
    # join — nothing shows a plant running there, as with an idle meter
    no_power_factor: float = 0.6
    trading_permit_factor: float = 0.6  # only a trading/use permit while producing hazchem
    fuel_score: float = 0.35  # 汽油/柴油 trade without a valid permit (category 6)
    recent_days: int = 30
    idle_kwh: float = 20.0  # the site's median day below this: an office, not a plant running
    idle_factor: float = 0.6
    declared_safe_pattern: str = "不含危险化学品|不含危化品|非危险化学品|不含许可类"
    declared_safe_factor: float = 0.5  # the code's weight where the scope declares no hazchem


def detect(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> pa.Table:
    install_trade_macros(con)
    with chem_terms.registered(con, chemical_unlicensed_scope=chem_terms.scope_table(con),
                               chemical_unlicensed_codes=chem_terms.code_table()):
        return run_sql(con, SQL, sql_params(params, as_of))
