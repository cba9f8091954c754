"""Chemical vocabulary for free text: hazardous-chemical names, 化工 words, trade exclusions.

Sources: `data/ref/hazchem_names.csv` (GB/T 42594-2023 table A.1, 584 hazardous media with
aliases, CAS and UN numbers; kept are entries in 危险化学品目录(2015版) or with a UN number),
a short hand-picked supplement of catalogue chemicals that table lacks (盐酸, 双氧水, 汽油 …),
and the 化工 word lists below (from the campaign notices and GB/T 4754 division 26 names).

`analyse_scope(text)` reads a 经营范围 clause by clause (split at ；。，： and line breaks)
and item by item (split at 、; an item without a verb takes the verb of the next item, as in
A、B、C生产): an item is *production* when it has a production verb (生产/制造/加工/合成/提炼/
分装/回收 …), *trade* when it only sells (销售/批发/零售/经营 …), *service* when it only
serves (技术开发/咨询/检测 …); "生产、销售：A、B" gives its verbs to the clause after the
colon. Negated parentheticals (（不含危险化学品）, （不带储存设施）) are cut out and mark the
clause. Chemical names preceded by 聚 are polymers (聚乙烯 is not 乙烯), acids
followed by a cation are salts (硫酸钾 is fertiliser, not 硫酸); a few ordinary compounds
(除甲醛, 丁酸梭菌, 柴油发电机 …) are removed before matching.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

REF_DIR = Path(__file__).resolve().parent.parent / "data" / "ref"
HAZCHEM_CSV = REF_DIR / "hazchem_names.csv"
INDUSTRY_26_CSV = REF_DIR / "industry_codes_26.csv"

# Catalogue chemicals common in county data but absent from table A.1: canonical → aliases.
SUPPLEMENT: dict[str, tuple[str, ...]] = {
    "盐酸": ("氢氯酸", "工业盐酸"),
    "过氧化氢溶液": ("过氧化氢", "双氧水"),
    "次氯酸钠溶液": ("次氯酸钠",),
    "氢氧化钠": ("烧碱", "火碱", "片碱"),
    "氢氧化钾": (),
    "氨溶液": ("氨水",),
    "甲醛": (),
    "汽油": ("乙醇汽油",),
    "柴油": (),
    "石脑油": (),
    "溶剂油": (),
    "煤焦油": (),
    "液化石油气": ("液化气",),
    "硝酸铵": (),
    "高锰酸钾": (),
    "氯酸钠": (),
    "过氧乙酸": (),
    "碳化钙": ("电石",),
    "二甲苯": ("混合二甲苯",),
    "松香水": (),
    "天那水": ("香蕉水",),
    "硫磺": ("硫黄",),
    "黄磷": ("白磷",),
}
# Names that are ordinary words or too risky as substrings of ordinary words.
DROP_TERMS = frozenset({
    "沼气", "樟脑", "水银", "马拉松", "尼古丁", "烟碱", "光气", "酒精", "甘醇", "华果",
    "大灭松", "苦杏仁油", "棕榈醇", "假枯烯", "双茂", "伞花烃", "腐肉碱", "电石气",
    "发动机燃料抗爆混合物", "牙托水", "有机玻璃单体", "石炭酸",
})
# Ordinary compounds containing a chemical name: removed from the text before matching.
ORDINARY_PHRASES = ("除甲醛", "甲醛检测", "甲醛治理", "甲醛清除", "丁酸梭菌", "樟脑丸",
                    "醋酸纤维", "乙醇消毒", "酒精消毒", "汽油机", "柴油机", "柴油发电", "汽油发电",
                    "汽油泵", "柴油泵", "乙烯基地板", "氢气球", "硫磺皂")
# Machinery named for the trade it serves (GB/T 4754 3521 炼油、化工生产专用设备制造; 化工泵,
# 化工阀门): a steel fabricator, not a chemical producer. Blanked like ORDINARY_PHRASES.
EQUIPMENT = re.compile(r"(?:炼油、)?(?:化工|炼油|石化|化学)(?:生产)?(?:专用)?"
                       r"(?:设备|机械|装备|泵|阀门?|管道|管件|仪器|仪表|容器)")
FUEL = ("汽油", "柴油", "成品油", "燃料油", "加油站")
AGRI = ("化肥", "农药", "肥料", "复合肥", "种子", "农膜", "农资")

# 化工 words: weight of the word as evidence of chemical production when a clause produces it.
CHEM_WORDS: dict[str, float] = {
    "危险化学品": 0.8, "危化品": 0.8, "化工原料": 0.75, "化工产品": 0.7, "精细化工": 0.8,
    "化学原料": 0.75, "化学制品": 0.7, "化学产品": 0.6, "化学品": 0.7, "化学试剂": 0.7, "化工": 0.7,
    "医药中间体": 0.85, "农药中间体": 0.85, "染料中间体": 0.85, "中间体": 0.75,
    "有机溶剂": 0.8, "溶剂": 0.7, "合成": 0.5, "提炼": 0.7, "提纯": 0.6, "裂解": 0.7,
    "炼油": 0.8, "废油": 0.7, "废机油": 0.75, "废矿物油": 0.75, "生物柴油": 0.7, "燃料油": 0.7,
    "醇基燃料": 0.75, "甲醇燃料": 0.75, "氯化石蜡": 0.75, "增塑剂": 0.65, "农药": 0.8,
    "涂料": 0.65, "油漆": 0.7, "油墨": 0.65, "染料": 0.7, "树脂": 0.6, "胶粘剂": 0.6,
    "粘合剂": 0.6, "黏合剂": 0.6, "稀释剂": 0.75, "固化剂": 0.6, "催化剂": 0.6,
    "助剂": 0.4, "添加剂": 0.2, "清洗剂": 0.35, "除锈剂": 0.4, "脱模剂": 0.4,
    "防冻液": 0.4, "玻璃水": 0.4, "颜料": 0.45, "洗涤剂": 0.25, "消毒剂": 0.35,
    "消毒液": 0.35, "水处理剂": 0.4, "絮凝剂": 0.4, "阻燃剂": 0.45, "发泡剂": 0.45,
    "日用化学": 0.2, "化肥": 0.2, "复合肥": 0.2, "化学": 0.2, "原料药": 0.6,
    # water-based coatings and resin goods: no hazardous chemical (catalogue 2828 takes coatings
    # with a flash point ≤ 60 ℃; resin tiles and crafts are moulded plastics, 2922/2439)
    "水性涂料": 0.3, "水性漆": 0.3, "乳胶漆": 0.3, "真石漆": 0.25, "外墙涂料": 0.35,
    "内墙涂料": 0.3, "防水涂料": 0.35, "树脂瓦": 0.1, "合成树脂瓦": 0.1, "树脂工艺品": 0.1,
    "树脂制品": 0.2,
}
# 合成 is not a verb here: 合成材料销售 sells synthetic materials (it stays a 化工 word)
PRODUCTION_VERBS = ("生产", "制造", "加工", "提炼", "提纯", "精制", "炼制", "研制",
                    "复配", "分装", "灌装", "调配", "调和", "回收", "再生", "裂解", "炼油",
                    "蒸馏", "提取", "制备", "制作", "冶炼")
TRADE_VERBS = ("销售", "批发", "零售", "经营", "购销", "贸易", "进出口", "代理", "供应",
               "配送", "经销", "代购", "仓储", "储存", "运输")
SERVICE_WORDS = ("技术开发", "技术咨询", "技术服务", "技术转让", "技术推广", "技术交流",
                 "技术研发", "研发", "咨询", "检测", "监测", "检验", "设计", "培训", "软件",
                 "信息技术", "施工", "安装", "维修", "服务")
# Activities that need power without chemistry: a scope with any of them is not office-only.
PHYSICAL_WORDS = PRODUCTION_VERBS + ("种植", "养殖", "栽培", "育苗", "繁育", "饲养", "屠宰",
                                     "冷藏", "冷链", "冷库", "餐饮", "住宿", "洗浴", "施工",
                                     "烘干", "数据中心", "数据处理", "充电", "供水", "供热",
                                     "发电", "印刷", "洗涤服务", "仓储",
                                     # services that run machines, heaters and screens
                                     "上网服务", "歌舞娱乐", "洗车", "健身", "游泳", "电影放映")
NEGATION = re.compile(r"[（(][^（）()]*(?:不含|除|不得|不涉及|不带|不包括|无储存|禁止)[^（）()]*[）)]"
                      r"|不含危险化学品|不含许可类[^，,；;。]*|不带储存设施|不带储存")
SPLIT = re.compile(r"[；;。，,：:\n\r]+")
SALT_NEXT = frozenset("钾钠铵钙镁锌铜铁铝钡锰银锂亚")
_LOCANT = re.compile(r"^(?:[0-9A-Za-zα-ωΑ-Ω,，'’()\s]+-)+")
_ANNOT = re.compile(r"\[[^\]]*\]|［[^］]*］")


@dataclass(frozen=True)
class Term:
    term: str
    canonical: str
    kind: str  # 'hazchem' or 'word'
    weight: float


@dataclass
class ScopeFacts:
    """What a 经营范围 says about chemistry (see module docstring)."""

    prod_hazchem: list[str] = field(default_factory=list)
    prod_words: list[str] = field(default_factory=list)
    negated_words: list[str] = field(default_factory=list)  # produced only under 不含危险化学品
    prod_weight: float = 0.0  # strongest term in a producing clause that is not negated
    negated_weight: float = 0.0  # strongest term in a producing clause that says 不含危险化学品
    negated: bool = False
    trade_terms: list[str] = field(default_factory=list)
    fuel_trade: bool = False
    agri_trade: bool = False
    has_production: bool = False
    physical: bool = False
    service_only: bool = False

    def score(self) -> float:
        """Scope evidence of chemical production, 0–1 (a negated clause counts half)."""
        s = max(self.prod_weight, 0.5 * self.negated_weight)
        if self.prod_hazchem:
            s = max(s, min(0.95, 0.88 + 0.03 * (len(self.prod_hazchem) - 1)))
        return s


def _clean_name(name: str) -> str:
    return _ANNOT.sub("", name).replace(" ", "").strip()


def _variants(name: str) -> set[str]:
    """A name, without its isomer note, and without its locant prefix (1,2-二氯乙烷 → 二氯乙烷)."""
    base = _clean_name(name)
    out = {base, re.sub(r"[（(](?:顺|反|对|间|邻)[）)]$", "", base)}
    out |= {_LOCANT.sub("", v) for v in list(out)}
    return out


def _usable(term: str) -> bool:
    if len(term) < 2 or term in DROP_TERMS:
        return False
    if re.fullmatch(r"[\x00-\x7f]+", term):  # 4049, TNT, MTBE: numbers and codes, not words
        return False
    return bool(re.search(r"[\u4e00-\u9fff]", term))


@functools.cache
def hazchem_terms() -> tuple[Term, ...]:
    """Hazardous-chemical names and aliases, each mapped to one canonical name.

    Names and aliases as written come first; a variant without isomer note or locant maps to
    its entry only when no other entry gives the same variant (二氯乙烷 stands for itself:
    1,1- and 1,2- both shorten to it).
    """
    exact: dict[str, str] = {}
    loose: dict[str, set[str]] = {}
    with HAZCHEM_CSV.open(encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        for r in rows:
            if r["in_catalogue_2015"] != "1" and not r["un"]:
                continue
            canonical = _clean_name(r["name"])
            for n in [r["name"], *(a for a in re.split(r"[;；,，:]", r["aliases"]) if a)]:
                exact.setdefault(_clean_name(n), canonical)
                for v in _variants(n):
                    loose.setdefault(v, set()).add(canonical)
    terms = {t: Term(t, c, "hazchem", 0.9) for t, c in exact.items() if _usable(t)}
    for v, canonicals in loose.items():
        if v not in terms and _usable(v):
            canonical = canonicals.pop() if len(canonicals) == 1 else v
            terms[v] = Term(v, canonical, "hazchem", 0.9)
    for canonical, aliases in SUPPLEMENT.items():
        for v in (canonical, *aliases):
            terms[v] = Term(v, canonical, "hazchem", 0.9)
    return tuple(sorted(terms.values(), key=lambda t: t.term))


@functools.cache
def all_terms() -> dict[str, Term]:
    out = {t.term: t for t in hazchem_terms()}
    for w, weight in CHEM_WORDS.items():
        out.setdefault(w, Term(w, w, "word", weight))
    return out


def _trie_regex(words: Iterable[str]) -> str:
    """One regex matching the longest of `words` at each position (a trie, so it stays fast)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch != ""]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if end else body

    return build(trie)


@functools.cache
def _matcher() -> re.Pattern[str]:
    return re.compile(_trie_regex(all_terms()))


def blank_ordinary(text: str) -> str:
    """`text` with ORDINARY_PHRASES and EQUIPMENT names blanked out (positions kept)."""
    for p in ORDINARY_PHRASES:
        text = text.replace(p, "　" * len(p))
    return EQUIPMENT.sub(lambda m: "　" * len(m.group(0)), text)


def find_terms(text: str) -> list[Term]:
    """Chemical terms in `text`, longest first at each position, polymers and salts dropped."""
    if not text:
        return []
    text = blank_ordinary(text)
    terms = all_terms()
    found = []
    for m in _matcher().finditer(text):
        word = m.group(0)
        if "聚" in text[max(0, m.start() - 3):m.start()]:
            continue  # 聚乙烯, 聚氯乙烯, 聚四氟乙烯: a polymer, not the monomer
        if word.endswith("酸") and text[m.end():m.end() + 1] in SALT_NEXT:
            continue  # 硫酸钾, 硫酸亚铁: a salt, not the acid
        found.append(terms[word])
    return found


def chemicals_in(text: str | None) -> list[str]:
    """Canonical hazardous-chemical names in a short text (a cargo name, a permit scope)."""
    return sorted({t.canonical for t in find_terms(text or "") if t.kind == "hazchem"})


def _any(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in words))


_PRODUCES, _TRADES, _SERVES = _any(PRODUCTION_VERBS), _any(TRADE_VERBS), _any(SERVICE_WORDS)
_PHYSICAL, _FUEL, _AGRI = _any(PHYSICAL_WORDS), _any(FUEL), _any(AGRI)
_VERBS = _any(sorted(set(PRODUCTION_VERBS + TRADE_VERBS), key=len, reverse=True))


@dataclass(frozen=True)
class _Clause:
    produces: bool  # some item of the clause produces something
    service: bool
    physical: bool
    negated: bool
    prod_terms: tuple[Term, ...]  # terms in producing items
    other_terms: tuple[Term, ...]
    fuel_trade: bool
    agri_trade: bool
    verbless: bool  # no verb at all: 生产、销售：A、B puts the verb in the clause before
    verb_only: bool  # nothing but verbs (生产、销售)


def _items(clause: str) -> list[tuple[str, bool, bool]]:
    """(item, produces, has_verb) per 、-item. An item without a verb takes the verb of the
    next item that has one (A、B、C生产), else of the previous one; verb-only items give their
    verbs to the item before them too (医药中间体的研发、生产、销售)."""
    items = [i for i in clause.split("、") if i.strip()]
    own = [(bool(_PRODUCES.search(i)), bool(_PRODUCES.search(i) or _TRADES.search(i)
                                            or _SERVES.search(i))) for i in items]
    bare = [v and not _any_verb_rest(i) for i, (_, v) in zip(items, own, strict=True)]
    for k in range(len(items) - 2, -1, -1):
        if bare[k + 1] and not bare[k]:
            following = k + 1
            while following < len(items) and bare[following]:
                own[k] = (own[k][0] or own[following][0], True)
                following += 1
    out = []
    for k, item in enumerate(items):
        v = own[k] if own[k][1] else next((x for x in own[k + 1:] if x[1]), None) \
            or next((x for x in reversed(own[:k]) if x[1]), None)
        out.append((item, v[0] if v else False, v is not None))
    return out


@functools.lru_cache(maxsize=500_000)
def _read_clause(raw: str) -> _Clause:
    """One clause; cached because registries repeat the standard clause wordings endlessly."""
    negated = bool(NEGATION.search(raw))
    clause = blank_ordinary(NEGATION.sub("", raw)).strip()
    items = _items(clause)
    produces = any(p for _, p, _ in items)
    trades_only = not produces and bool(_TRADES.search(clause))
    prod_terms: list[Term] = []
    other_terms: list[Term] = []
    for item, p, _ in items:
        (prod_terms if p else other_terms).extend(find_terms(item))
    rest = _any_verb_rest(clause)
    return _Clause(produces=produces,
                   service=not produces and bool(_SERVES.search(clause)),
                   physical=bool(_PHYSICAL.search(clause)), negated=negated,
                   prod_terms=tuple(prod_terms), other_terms=tuple(other_terms),
                   # 成品油批发（不含危险化学品）: the unlicensed item, lubricants and the like
                   fuel_trade=trades_only and not negated and bool(_FUEL.search(clause)),
                   agri_trade=trades_only and bool(_AGRI.search(clause)),
                   verbless=not any(v for _, _, v in items), verb_only=bool(clause) and not rest)


def _any_verb_rest(clause: str) -> str:
    """What is left of a clause once its verbs and separators are removed."""
    return _VERBS.sub("", clause).replace("、", "").replace("和", "").strip()


def analyse_scope(text: str | None) -> ScopeFacts:
    """Read a 经营范围 clause by clause (see module docstring)."""
    facts = ScopeFacts()
    if not text:
        return facts
    service = False
    prod_hazchem, prod_words, trade_terms, plain, negated = set(), set(), set(), set(), set()
    carried = False  # the previous clause was only verbs, one of them a production verb
    for raw in SPLIT.split(text):
        if not raw.strip():
            continue
        c = _read_clause(raw)
        service |= c.service
        facts.has_production |= c.produces
        facts.physical |= c.physical
        facts.fuel_trade |= c.fuel_trade
        facts.agri_trade |= c.agri_trade
        produced = c.prod_terms + (c.other_terms if c.verbless and carried else ())
        for t in produced:
            (prod_hazchem if t.kind == "hazchem" else prod_words).add(t.canonical)
            (negated if c.negated else plain).add(t.canonical)
            if c.negated:
                facts.negated_weight = max(facts.negated_weight, t.weight)
            else:
                facts.prod_weight = max(facts.prod_weight, t.weight)
        facts.negated |= c.negated and bool(produced)
        trade_terms.update(t.canonical for t in c.other_terms if t not in produced)
        carried = c.verb_only and c.produces
    facts.prod_hazchem = sorted(prod_hazchem)
    facts.prod_words = sorted(prod_words)
    facts.negated_words = sorted((negated - plain) & prod_words)
    facts.trade_terms = sorted(trade_terms)
    facts.service_only = service and not facts.physical
    return facts


SCOPE_SCHEMA = pa.schema([
    ("uscc", pa.string()), ("scope_score", pa.float64()),
    ("prod_hazchem", pa.list_(pa.string())), ("prod_words", pa.list_(pa.string())),
    ("negated", pa.bool_()), ("negated_words", pa.list_(pa.string())),
    ("trade_terms", pa.list_(pa.string())),
    ("fuel_trade", pa.bool_()), ("agri_trade", pa.bool_()), ("service_only", pa.bool_()),
])


def scope_table(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """One row per registration: what its 经营范围 says (each distinct text read once)."""
    rows = con.execute("select uscc, scope from registry where uscc is not null").fetchall()
    cache: dict[str, ScopeFacts] = {}
    cols: dict[str, list] = {n: [] for n in SCOPE_SCHEMA.names}
    for uscc, scope in rows:
        f = cache.get(scope or "")
        if f is None:
            f = cache[scope or ""] = analyse_scope(scope)
        for name, value in (("uscc", uscc), ("scope_score", f.score()),
                            ("prod_hazchem", f.prod_hazchem), ("prod_words", f.prod_words),
                            ("negated", f.negated), ("negated_words", f.negated_words),
                            ("trade_terms", f.trade_terms),
                            ("fuel_trade", f.fuel_trade), ("agri_trade", f.agri_trade),
                            ("service_only", f.service_only)):
            cols[name].append(value)
    return pa.table(cols, schema=SCOPE_SCHEMA)


def alias_table() -> pa.Table:
    """term → canonical key of every hazardous-chemical name (溶液 dropped from the key)."""
    terms = hazchem_terms()
    return pa.table({"term": [t.term for t in terms],
                     "chem_key": [chem_key(t.canonical) for t in terms]})


def chem_key(canonical: str) -> str:
    """A comparison key: 过氧化氢溶液 and 过氧化氢 are the same product on a permit."""
    return canonical.removesuffix("溶液")


@functools.cache
def industry_26() -> dict[str, str]:
    """GB/T 4754-2017 codes of division 26 → names."""
    with INDUSTRY_26_CSV.open(encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return {r["code"]: r["name"] for r in rows}


# Division 26 classes that are rarely hazardous production: weight of the code as evidence.
# Few products of synthetic materials (265: plastics, resins, compounding) and specialty
# chemicals for construction and water (2662, 2666: admixtures, water treatment agents) are
# in the hazardous-chemicals catalogue; fertiliser (262) and daily chemicals (268) fewer still.
CODE_WEIGHTS = {"262": 0.2, "2625": 0.1, "265": 0.3, "2662": 0.3, "2666": 0.3, "268": 0.25,
                "2682": 0.1, "2683": 0.1, "2667": 0.2}
CODE_DEFAULT = 0.5


def code_table() -> pa.Table:
    """Division 26 codes with their weight as evidence of chemical production."""
    codes = industry_26()
    weights = []
    for code in codes:
        w = CODE_DEFAULT
        for prefix in sorted(CODE_WEIGHTS, key=len):
            if code.startswith(prefix):
                w = CODE_WEIGHTS[prefix]
        weights.append(w)
    return pa.table({"code": list(codes), "code_name": list(codes.values()),
                     "code_weight": weights})


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, **tables: pa.Table) -> Iterator[None]:
    """Make Arrow tables visible to SQL under the given names for the duration of a block."""
    for name, table in tables.items():
        con.register(name, table)
    try:
        yield
    finally:
        for name in tables:
            con.unregister(name)
