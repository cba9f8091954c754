"""Evidence → one risk score per site, additive and explainable.

Each detector's strongest finding on a site earns `points = 100 × weight × score`. Points
add up within a source family (power, registry, truck, tip, ledger) to at most `family_cap`,
so five power anomalies cannot outvote everything else; then the families add up, and each
independent family beyond the first that says something (≥ `corroborate_points`) adds
`corroboration_points`: power + trucks + registry together count for more than one loud
signal. Every part is kept in `score_parts`, so an analyst sees why a site ranks third. Two
detectors that can state one fact (`same_fact`: growth against last year and against the
months before; the night share against the class and on its own) count once: the weaker part
is kept with 0 points and says so.

The suspected category (contract §4) is the hint of the strongest part that says what kind of
site it is (1 licensed plant, 4 厂中厂, 5 disguised name, 6 fuel yard), else of the strongest
part that says who works there (2, 3); when no part hints, the site's make-up decides (a
registered firm 存续/停业 → 2; a person, a struck-off firm or no registration → 3). 死灰复燃 is
a status, carried by the `relit` detector's hint '复燃'.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from sources.sqlfile import run_all

_SQL = Path(__file__).with_name("score.sql")

# detector -> (family, weight, Chinese label). Weights say how much one detector's certainty
# is worth: direct evidence of chemistry or of a closed site working again weighs more than a
# behavioural anomaly that innocent places also show.
DETECTOR_WEIGHTS: dict[str, tuple[str, float, str]] = {
    "power_surge": ("power", 0.30, "用电激增"),
    "power_yoy": ("power", 0.30, "用电同比激增"),
    "idle_restart": ("power", 0.35, "停用后复电"),
    "night_load": ("power", 0.35, "夜间用电"),
    "continuous_load": ("power", 0.25, "连续运行"),
    "wrong_class": ("power", 0.35, "用电类别不符"),
    "peer_outlier": ("power", 0.20, "同类异常"),
    "trade_night": ("power", 0.40, "夜间用电异于同行"),
    "chemical_unlicensed": ("registry", 0.50, "无证化工"),
    "disguised_name": ("registry", 0.45, "名不副实"),
    "beyond_permit": ("registry", 0.50, "超许可范围"),
    "factory_in_factory": ("registry", 0.40, "厂中厂"),
    "truck_unlicensed_stop": ("truck", 0.45, "危化品车辆停靠"),
    "waybill_mismatch": ("truck", 0.35, "运单不符"),
    "consignee_unlicensed": ("truck", 0.45, "无证收货"),
    "shipper_unlicensed": ("truck", 0.50, "无证发货"),
    "fuel_yard": ("truck", 0.50, "油罐车停靠"),
    "tip_match": ("tip", 0.50, "群众举报"),
    "relit": ("ledger", 0.60, "死灰复燃"),
}


@dataclass(frozen=True)
class ScoreParams:
    family_cap: float = 0.60  # one family earns at most 60 points
    corroborate_points: float = 12.0  # a family "says something" from this many points
    corroboration_points: float = 15.0  # added per saying family beyond the first
    default_weight: float = 0.25  # a detector missing from the table
    high_points: float = 60.0  # 高 from here
    medium_points: float = 35.0  # 中 from here
    weights: tuple[tuple[str, str, float, str], ...] = field(
        default=tuple((d, f, w, label) for d, (f, w, label) in DETECTOR_WEIGHTS.items()))
    # detectors that can state one fact twice: only the stronger of a pair counts (growth
    # against last year and against the months before; a night share unusual for the class or
    # for the trade, and the night share itself)
    same_fact: tuple[tuple[str, str], ...] = (("power_yoy", "power_surge"), ("peer_outlier", "night_load"),
                                              ("trade_night", "night_load"))


def score_sites(con: duckdb.DuckDBPyConnection, params: ScoreParams = ScoreParams()) -> None:
    """From table `evidence`: create `score_parts` and `site_scores`."""
    weights = pa.table({k: list(v) for k, v in zip(
        ("detector", "family", "weight", "label"), zip(*params.weights, strict=True), strict=True)})
    fact = dict(params.same_fact)
    weights = weights.append_column("fact", pa.array(
        [fact.get(d, d) for d in weights.column("detector").to_pylist()], pa.string()))
    con.register("_weights_arrow", weights)
    con.execute("create or replace temp table _weights as select * from _weights_arrow")
    con.unregister("_weights_arrow")
    run_all(con, _SQL, {k: v for k, v in asdict(params).items() if k not in ("weights", "same_fact")})
