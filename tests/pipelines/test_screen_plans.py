"""No query of the screening loops over two big inputs (bench.plans explains every statement
the screening runs; a nested-loop join over more than BIG estimated pairs of rows fails the
test, naming the statement).

Known limit: a loop whose smaller side is small in a county (its 50 permits, 14 closed sites)
but grows with a province passes here; `make bench` runs the same check on each province
scale's warehouse (BENCHMARKS.md, "Plan check").
"""

from __future__ import annotations

import datetime as dt

from bench.plans import screen_explained
from tests.conftest import copy_county


def test_screening_runs_no_big_nested_loop_join(demo_county, tmp_path):
    wh = copy_county(demo_county, tmp_path / "copy")
    raw = wh.connect()
    (latest,) = raw.execute("select max(day) from power_readings_daily").fetchone()
    con = screen_explained(raw, latest + dt.timedelta(days=1))
    raw.close()
    assert con.explained > 50  # the proxy saw the screening's statements
    assert not con.found, "\n".join(con.found)


def test_the_check_sees_an_or_join_loop():
    """An OR across sides cannot be hashed: 2,000 × 2,000 rows are a loop the check names; the
    same join on one key is not."""
    import duckdb

    from bench.plans import Explaining

    con = Explaining(duckdb.connect())
    con.execute("create table a as select range as k, range % 7 as j from range(2000)")
    con.execute("create table b as select range as k, range % 5 as j from range(2000)")
    con.execute("select count(*) from a join b on a.k = b.k")
    assert con.explained == 3 and con.found == []
    con.execute("select count(*) from a join b on a.k = b.k or a.j = b.k")
    assert len(con.found) == 1 and "2,000 × 2,000" in con.found[0] and "a.j = b.k" in con.found[0]
