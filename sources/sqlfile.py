"""SQL kept in `.sql` files beside the Python that runs it.

A file may hold several statements, each introduced by a line `-- name: <key>`; the text up
to the next such line is one statement. Values are bound at execution (`$radius_m`), never
formatted in; `bound` passes a statement only the parameters it mentions.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

_NAME = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)


@cache
def statements(path: Path) -> dict[str, str]:
    """Statements of a `.sql` file by name, in file order."""
    parts = _NAME.split(path.read_text(encoding="utf-8"))
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def bound(sql: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """The parameters the statement names ($max_gap is not $max_gap_min)."""
    return {k: v for k, v in (params or {}).items() if re.search(rf"\${k}\b", sql)}


def run_all(con: duckdb.DuckDBPyConnection, path: Path, params: dict[str, Any] | None = None) -> None:
    """Execute every named statement of the file in order."""
    for sql in statements(path).values():
        con.execute(sql, bound(sql, params))


def has_tables(con: duckdb.DuckDBPyConnection, names: tuple[str, ...]) -> bool:
    """Whether all these tables (or temp tables) exist: a county without GPS has no stays."""
    found = con.execute("select count(distinct table_name) from information_schema.tables"
                        " where table_name in ?", [list(names)]).fetchone()
    return bool(found) and found[0] == len(names)
