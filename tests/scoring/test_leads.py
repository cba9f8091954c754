"""assign_leads on hand-made scores: which sites are listed."""

from __future__ import annotations

import datetime as dt

import duckdb

from scoring import LeadParams, assign_leads

AS_OF = dt.date(2026, 11, 30)


def _connect() -> duckdb.DuckDBPyConnection:
    """The tables assign_leads reads, empty."""
    con = duckdb.connect()
    con.execute("""
        create table site_scores (site_id varchar, risk double, level varchar, category varchar,
                                  relit boolean);
        create table score_parts (site_id varchar, detector varchar, label varchar, points double,
                                  reason varchar);
        create table site_members (site_id varchar, member_kind varchar, member_key varchar);
        create table outcomes (lead_no varchar, verdict varchar, checked_on date)""")
    return con


def _scores(con: duckdb.DuckDBPyConnection, sites: dict[str, tuple[float, str]]) -> None:
    """This week's scores: site → (risk, its one power account), replacing last week's."""
    for table in ("site_scores", "score_parts", "site_members"):
        con.execute(f"delete from {table}")
    for site, (risk, account) in sites.items():
        con.execute("insert into site_scores values (?, ?, '低', '3', false)", [site, risk])
        con.execute("insert into score_parts values (?, 'power_surge', '用电激增', ?, 'r')", [site, risk])
        con.execute("insert into site_members values (?, 'power_account', ?)", [site, account])


def _listed(risks: dict[str, float], params: LeadParams) -> list[str]:
    con = _connect()
    _scores(con, {site: (risk, site) for site, risk in risks.items()})
    assign_leads(con, AS_OF, params)
    return [s for (s,) in con.execute("select site_id from leads order by rank").fetchall()]


def test_every_site_from_min_points_then_the_strongest_down_to_the_floor_until_min_leads():
    """A 25 and B 21 are listed in any case; below min_points (20) the strongest fill the list
    up to min_leads, never below floor_points (10): D at 8 is never listed."""
    risks = {"A": 25.0, "B": 21.0, "C": 15.0, "E": 12.0, "D": 8.0}
    assert _listed(risks, LeadParams(min_leads=0)) == ["A", "B"]
    assert _listed(risks, LeadParams(min_leads=3)) == ["A", "B", "C"]
    assert _listed(risks, LeadParams(min_leads=50)) == ["A", "B", "C", "E"]


def test_a_site_whose_id_changed_keeps_its_number_through_its_members():
    """Week 1 lists site S0123456789 (an id of the old, 10-digit form); in week 2 the same
    place (same members) is S0123456789ABCDEF: the same 线索编号, 持续, first seen in week 1.
    A new place gets the next number."""
    con = _connect()

    def week(sites: dict[str, str], as_of: dt.date) -> dict[str, tuple]:
        _scores(con, {site: (30.0, account) for site, account in sites.items()})
        assign_leads(con, as_of)
        return {r[0]: r[1:] for r in con.execute(
            "select site_id, lead_no, status, first_seen from leads where as_of = ?", [as_of]).fetchall()}

    first = week({"S0123456789": "A1"}, AS_OF - dt.timedelta(days=7))
    second = week({"S0123456789ABCDEF": "A1", "S00000000000000B2": "A2"}, AS_OF)
    no, status, seen = second["S0123456789ABCDEF"]
    assert (no, seen) == (first["S0123456789"][0], AS_OF - dt.timedelta(days=7)) and status == "持续"
    assert second["S00000000000000B2"][0] == "XHG-000002" and second["S00000000000000B2"][1] == "新增"
