"""No query of the screening loops over two big inputs: every statement explained first.

DuckDB plans a join it cannot hash (a condition on one side alone in a LEFT JOIN's ON, an OR
across sides, a band on coordinates) as a nested loop: harmless on a county, quadratic at
province scale (one such join in the scoring took p100's screening past 50 minutes; an OR join
and a band join in the waybill macros looped for minutes at p100 while the county passed).
`Explaining` wraps a connection and explains each statement before running it, keeping the
nested-loop joins over more than `BIG` estimated pairs of rows with both sides above `SMALL`.

tests/pipelines/test_screen_plans.py runs the screening through it on the demo county;
`make bench` on each scale's warehouse (a loop whose smaller side is small in a county — its
50 permits — only shows on a bigger one):

    .venv/bin/python -m bench.plans WAREHOUSE [--as-of DATE]   # screens WAREHOUSE (writes it)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

import duckdb
import pyarrow as pa

from sources.sqlfile import bound

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


def screen_explained(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> Explaining:
    """The screening's tasks in order (sites, every detector, scoring) through `Explaining`."""
    from detectors import DETECTORS
    from pipelines.screen import build_sites, run_detector, score_and_rank

    proxy = Explaining(con)
    build_sites.fn(proxy, as_of)
    evidence = [run_detector.fn(proxy, m, as_of, {}) for m in DETECTORS]
    score_and_rank.fn(proxy, pa.concat_tables(evidence), as_of, {})
    return proxy


def main(argv: list[str] | None = None) -> int:
    from pipelines.screen import default_as_of
    from sources.warehouse import Warehouse

    ap = argparse.ArgumentParser(prog="python -m bench.plans", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("warehouse", type=Path)
    ap.add_argument("--as-of", type=dt.date.fromisoformat)
    args = ap.parse_args(argv)
    con = Warehouse(args.warehouse).connect()
    try:
        proxy = screen_explained(con, args.as_of or default_as_of(con))
    finally:
        con.close()
    print(f"{proxy.explained} statements explained, {len(proxy.found)} big nested-loop joins")
    for line in proxy.found:
        print("  " + line)
    return 1 if proxy.found else 0


if __name__ == "__main__":
    sys.exit(main())
