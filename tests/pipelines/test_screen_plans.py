"""No query of the screening loops over two big inputs.

DuckDB plans a join it cannot hash (a condition on one side alone in a LEFT JOIN's ON, an OR
across sides) as a nested loop: harmless on a county, quadratic at province scale (one such
join in the scoring took p100's screening past 50 minutes). Every statement the screening
runs is explained first, and a nested-loop join over more than `BIG` estimated pairs of rows
(both sides more than `SMALL`) fails the test, naming the statement.

Known limit: a loop whose smaller side is small in a county (its 50 permits, 14 closed sites)
but grows with a province passes; truck places × permits in truck_unlicensed_stop and places
still are such loops (a few seconds at p100, BENCHMARKS.md).
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pyarrow as pa

from sources.sqlfile import bound
from tests.conftest import copy_county

NL_JOINS = {"NESTED_LOOP_JOIN", "BLOCKWISE_NL_JOIN", "CROSS_PRODUCT"}
SMALL, BIG = 100, 1_000_000  # a side this small (a parameter table) grows with nothing; pairs
# this many are a loop over two tables that grow with the county (estimates, after filters)
EXPLAINABLE = ("select", "with", "create", "insert", "delete", "update")


def _estimate(node: dict) -> int:
    info = node.get("extra_info") or {}
    try:
        return int(str(info.get("Estimated Cardinality", "0")).lstrip("~").replace(",", ""))
    except ValueError:
        return 0


def _loops(node: dict) -> list[tuple[str, int, int]]:
    out = []
    kids = node.get("children", [])
    name = node.get("operator_name") or node.get("name") or ""
    if name.strip() in NL_JOINS and len(kids) == 2:
        out.append((name.strip(), _estimate(kids[0]), _estimate(kids[1])))
    for k in kids:
        out += _loops(k)
    return out


class Explaining:
    """A connection that explains each statement before running it, keeping the big loops."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con
        self.found: list[str] = []
        self.explained = 0

    def __getattr__(self, name):
        return getattr(self._con, name)

    def execute(self, sql: str, params=None):
        for statement in self._con.extract_statements(sql):
            text = statement.query.strip().rstrip(";")
            head = text.split(None, 1)[0].lower() if text else ""
            if head not in EXPLAINABLE:
                continue
            args = bound(text, params) if isinstance(params, dict) else params
            rows = self._con.execute("explain (format json) " + text, args).fetchall()
            self.explained += 1
            for row in rows:
                for tree in json.loads(row[-1]):
                    for kind, left, right in _loops(tree):
                        if min(left, right) > SMALL and left * right > BIG:
                            self.found.append(f"{kind} {left:,} × {right:,}: {' '.join(text.split())[:300]}")
        return self._con.execute(sql, params)


def test_screening_runs_no_big_nested_loop_join(demo_county, tmp_path):
    from detectors import DETECTORS
    from pipelines.screen import build_sites, run_detector, score_and_rank

    wh = copy_county(demo_county, tmp_path / "copy")
    raw = wh.connect()
    con = Explaining(raw)
    (latest,) = raw.execute("select max(day) from power_readings_daily").fetchone()
    day = latest + dt.timedelta(days=1)
    build_sites.fn(con, day)
    evidence = [run_detector.fn(con, m, day, {}) for m in DETECTORS]
    score_and_rank.fn(con, pa.concat_tables(evidence), day, {})
    raw.close()
    assert con.explained > 50  # the proxy saw the screening's statements
    assert not con.found, "\n".join(con.found)
