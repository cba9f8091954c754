"""tip_match: public tip-offs (群众举报) that the site resolver joined to a site.

Flags: a site with tips of the last `max_age_days` (site_members rows of kind 'tip'; their
`score` is the link's confidence and multiplies the tip's). A tip scores by its words:
1 − Π(1 − w) over TIP_WORDS found in its content and target (化工, 刺鼻, 夜间, 罐车, 私设, 作坊 …)
and hazardous-chemical names (`chemical_weight` each); words of ordinary complaints (养殖 smell,
burning rubbish, noise) damp it; tankers at a site holding a valid permit count
`licensed_factor`; a tip an inspector cannot go to (no point, no village/township/street in
its address, joined to no identified site: "村外公路旁边一家厂子") `unlocated_factor` — it
stays on the list, below the places to visit, saying the tipster must be called back; its age
halves the score over `half_life_days` down to half. A tip needs
`min_content` from its words to count. Site score 1 − Π(1 − tip score).

Category hint: the category most of the matched words point to (柴油/油罐 → '6', 出租/厂中厂 →
'4', 生物/科技 → '5', 民房/作坊/无证 → '3'), else none.

Evidence: each tip's date, number, content and the words that matched.

Known false positives: tips about a licensed plant's ordinary smell or traffic; vague
addresses that the resolver joined to the wrong site (its link score should say so); repeated
tips from one neighbour in a dispute.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from detectors import chem_terms
from detectors.base import run_sql, sql_params

NAME = "tip_match"
SQL = Path(__file__).with_suffix(".sql")

# word → (weight, category it points to or None); negative weights damp ordinary complaints.
TIP_WORDS: dict[str, tuple[float, str | None]] = {
    "化工": (0.5, None), "化学": (0.35, None), "危化品": (0.5, None), "危险化学品": (0.5, None),
    "反应釜": (0.6, None), "蒸馏": (0.45, None), "提炼": (0.45, None), "炼油": (0.5, None),
    "溶剂": (0.4, None), "中间体": (0.5, None), "涂料": (0.35, None), "油漆": (0.3, None),
    "刺鼻": (0.35, None), "异味": (0.3, None), "气味": (0.15, None), "头晕": (0.3, None),
    "流泪": (0.3, None), "呛": (0.3, None), "发黑": (0.2, None), "冒烟": (0.15, None),
    "排污": (0.25, None), "废水": (0.25, None),
    "夜间": (0.3, None), "晚上": (0.2, None), "半夜": (0.3, None), "深夜": (0.3, None),
    "凌晨": (0.25, None), "偷偷": (0.35, None), "私设": (0.4, None), "非法": (0.3, None),
    "无证": (0.35, "3"), "黑作坊": (0.5, "3"), "作坊": (0.35, "3"), "民房": (0.3, "3"),
    "院子": (0.15, "3"), "废弃": (0.25, "3"), "养殖场里": (0.3, "3"), "罐车": (0.3, None),
    "槽罐": (0.35, None), "油罐": (0.3, "6"), "储油罐": (0.4, "6"), "散装柴油": (0.45, "6"),
    "柴油": (0.2, "6"), "汽油": (0.2, "6"), "卖油": (0.3, "6"), "铁桶": (0.2, None),
    "化工桶": (0.4, None), "出租": (0.2, "4"), "租给": (0.25, "4"), "厂中厂": (0.5, "4"),
    "挂靠": (0.4, "4"), "生物": (0.1, "5"), "科技": (0.1, "5"), "新材料": (0.15, "5"),
    "养猪": (-0.6, None), "养殖场臭": (-0.6, None), "猪场": (-0.6, None), "鸡场": (-0.6, None),
    "粪": (-0.5, None), "烧东西": (-0.5, None), "焚烧": (-0.4, None), "烧垃圾": (-0.6, None),
    "噪音": (-0.4, None), "吵": (-0.4, None), "担心不安全": (-0.3, None),
}


@dataclass(frozen=True)
class Params:
    min_score: float = 0.15  # emit a site only from this score on
    max_age_days: int = 365  # tips older than this are not read
    half_life_days: float = 90.0  # a tip's weight halves (down to half) over this age
    min_content: float = 0.2  # a tip needs this much from its words to count
    chemical_weight: float = 0.4  # a hazardous-chemical name in a tip
    licensed_factor: float = 0.4  # tankers at a site holding a valid permit are expected
    unlocated_factor: float = 0.7  # a tip with no point, no place named and no site joined


def word_table() -> pa.Table:
    return pa.table({"word": list(TIP_WORDS), "weight": [w for w, _ in TIP_WORDS.values()],
                     "category": [c for _, c in TIP_WORDS.values()]})


def chemical_table() -> pa.Table:
    """Hazardous-chemical names of three or more characters (shorter ones are too loose here)."""
    terms = sorted({t.term for t in chem_terms.hazchem_terms() if len(t.term) >= 3}
                   | {"盐酸", "硫酸", "硝酸", "甲苯", "甲醇", "丙酮", "液氨", "氯气", "苯酚"})
    return pa.table({"term": terms})


def detect(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> pa.Table:
    with chem_terms.registered(con, tip_match_words=word_table(),
                               tip_match_chemicals=chemical_table()):
        return run_sql(con, SQL, sql_params(params, as_of))
