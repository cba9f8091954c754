"""Ranked leads of one screening week: stable 线索编号, 状态, 首次发现, 连续周数, suppression.

A site keeps its 线索编号 week after week. When resolution gives a place a new site id (its
anchor changed: a registration appeared for what was an account), the number follows the
members: the new site inherits the number of the earlier lead whose members it shares most.

状态: 复燃 when the site shows a closed site working again; 持续 when the number was listed
in an earlier week; 新增 otherwise. A lead that inspectors found 不属实 is left out for
`suppress_weeks` unless a detector now fires that did not when it was last listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from sources.sqlfile import run_all

_SQL = Path(__file__).with_name("leads.sql")


@dataclass(frozen=True)
class LeadParams:
    min_points: float = 20.0  # sites from here are listed, …
    min_leads: int = 50  # … and below it the strongest until the list holds this many, …
    floor_points: float = 10.0  # … down to this (one weak finding)
    suppress_weeks: int = 8  # a 不属实 verdict keeps a lead off the list this long
    max_leads: int = 500  # the list an office can work through, at most


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def assign_leads(con: duckdb.DuckDBPyConnection, as_of: dt.date,
                 params: LeadParams = LeadParams()) -> int:
    """Create this week's rows in `leads` (replacing a rerun of the same week). Returns #leads."""
    bound = {**asdict(params), "as_of": as_of, "week": iso_week(as_of)}
    run_all(con, _SQL, bound)
    return con.execute("select count(*) from leads where week = $w", {"w": bound["week"]}).fetchone()[0]
