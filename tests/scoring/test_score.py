"""score_sites on hand-made evidence: points, the family cap, corroboration, levels, category."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from detectors.base import EVIDENCE
from scoring import ScoreParams, score_sites

DAY = dt.date(2026, 11, 30)


def _scores(rows: list[tuple], members: list[tuple] = (),
            registry: list[tuple] = (("91X", "active"),)) -> dict[str, dict]:
    """rows: (site_id, detector, score, category_hint, reason); registry: (uscc, status_class)."""
    con = duckdb.connect()
    ev = pa.table({"site_id": [r[0] for r in rows], "detector": [r[1] for r in rows],
                   "score": [r[2] for r in rows], "period_start": [DAY] * len(rows),
                   "period_end": [DAY] * len(rows), "category_hint": [r[3] for r in rows],
                   "reason": [r[4] for r in rows], "facts": ["{}"] * len(rows)}, schema=EVIDENCE)
    con.register("_ev", ev)
    con.execute("create table evidence as select * from _ev")
    con.execute("create table site_members (site_id varchar, member_kind varchar, member_key varchar)")
    for m in members:
        con.execute("insert into site_members values (?, ?, ?)", list(m))
    con.execute("create table registry (uscc varchar, status_class varchar)")
    con.executemany("insert into registry values (?, ?)", list(registry))
    score_sites(con)
    cols = [d[0] for d in con.execute("select * from site_scores").description]
    return {r[0]: dict(zip(cols, r, strict=True)) for r in con.execute("select * from site_scores").fetchall()}


def test_points_cap_and_corroboration():
    """A: five power anomalies at full score stop at the family cap (60). B: three families at
    moderate strength (power 15, registry 25, truck 22.5) earn 62.5 plus two corroborations."""
    power = ["power_surge", "idle_restart", "night_load", "continuous_load", "wrong_class"]
    s = _scores([("A", d, 1.0, None, "r") for d in power]
                + [("B", "power_surge", 0.5, None, "r"), ("B", "disguised_name", 0.5 / 0.9, "5", "r"),
                   ("B", "truck_unlicensed_stop", 0.5, "3", "r")])
    assert s["A"]["risk"] == 60.0 and s["A"]["n_families"] == 1 and s["A"]["level"] == "高"
    assert s["B"]["n_families"] == 3
    assert s["B"]["risk"] == round(15 + 25 + 22.5 + 2 * ScoreParams().corroboration_points, 1)
    assert s["B"]["risk"] > s["A"]["risk"]  # three sources beat one loud one


def test_category_follows_the_strongest_hint_and_make_up():
    """C: the strongest part that hints decides (5 over 3). D: no hint, a registered firm → 2.
    E: no hint, only an account → 3. F: a 复燃 hint is a status, not a category."""
    s = _scores([("C", "disguised_name", 0.9, "5", "r"), ("C", "wrong_class", 0.5, "3", "r"),
                 ("D", "power_surge", 0.8, None, "r"), ("E", "power_surge", 0.8, None, "r"),
                 ("F", "relit", 0.9, "复燃", "r"), ("F", "wrong_class", 0.3, "3", "r")],
                [("D", "registry", "91X"), ("D", "power_account", "1"), ("E", "power_account", "2"),
                 ("F", "power_account", "3")])
    assert s["C"]["category"] == "5" and s["D"]["category"] == "2" and s["E"]["category"] == "3"
    assert s["F"]["category"] == "3" and s["F"]["relit"]


def test_levels_and_ties_are_stable():
    """Levels by points (高 ≥ 60, 中 ≥ 35, else 低). Two detectors with equal points and
    different hints: the category is the same on every run (ties broken by detector name)."""
    s = _scores([("G", "tip_match", 1.0, "6", "r"), ("H", "power_surge", 0.5, None, "r"),
                 ("T", "factory_in_factory", 0.5, "4", "r"), ("T", "tip_match", 0.4, "5", "r")])
    assert s["G"]["level"] == "中" and s["H"]["level"] == "低"
    assert {_scores([("T", "factory_in_factory", 0.5, "4", "r"), ("T", "tip_match", 0.4, "5", "r")])["T"]["category"]
            for _ in range(5)} == {"4"}


def test_one_fact_stated_twice_counts_once():
    """A fresh surge that is also far above last year: power_surge (0.5 → 15 points) and
    power_yoy (0.6 → 18) state one fact; 18 count, the other part stays visible with 0."""
    con = duckdb.connect()
    rows = [("A", "power_surge", 0.5, None, "近14天…"), ("A", "power_yoy", 0.6, None, "同比…"),
            ("B", "power_surge", 0.5, None, "近14天…"), ("B", "night_load", 0.6, None, "夜间…")]
    ev = pa.table({"site_id": [r[0] for r in rows], "detector": [r[1] for r in rows],
                   "score": [r[2] for r in rows], "period_start": [DAY] * 4, "period_end": [DAY] * 4,
                   "category_hint": [None] * 4, "reason": [r[4] for r in rows], "facts": ["{}"] * 4},
                  schema=EVIDENCE)
    con.register("_ev", ev)
    con.execute("create table evidence as select * from _ev")
    con.execute("create table site_members (site_id varchar, member_kind varchar, member_key varchar)")
    con.execute("create table registry (uscc varchar, status_class varchar)")
    score_sites(con)
    risk = dict(con.execute("select site_id, risk from site_scores").fetchall())
    assert risk == {"A": 18.0, "B": 36.0}
    points, reason = con.execute("select points, reason from score_parts"
                                 " where site_id = 'A' and detector = 'power_surge'").fetchone()
    assert points == 0 and "与「用电同比激增」为同一事实，不重复计分" in reason


def test_what_kind_of_site_before_who_works_there_and_a_struck_off_firm_is_unlicensed():
    """K: a person's meter in a firm's yard (wrong_class '3', 35 points) that factory_in_factory
    names a 厂中厂 ('4', 20 points): 4. L: a licensed plant beyond its permit ('1') that tankers
    also visit ('6', stronger): 1 and 6 both say what the site is, the stronger wins. M: no hint
    at a firm struck off (吊销): 3, not 2."""
    s = _scores([("K", "wrong_class", 1.0, "3", "r"), ("K", "factory_in_factory", 0.5, "4", "r"),
                 ("L", "beyond_permit", 0.3, "1", "r"), ("L", "fuel_yard", 0.5, "6", "r"),
                 ("M", "power_surge", 0.8, None, "r")],
                [("M", "registry", "91M")], registry=[("91M", "revoked")])
    assert s["K"]["category"] == "4" and s["L"]["category"] == "6" and s["M"]["category"] == "3"
