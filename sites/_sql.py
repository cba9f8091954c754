"""Named SQL statements of the `sites/` package (see `sources.sqlfile`)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from sources import sqlfile


def statements(filename: str) -> dict[str, str]:
    """Statements of `sites/<filename>` by name, in file order."""
    return sqlfile.statements(Path(__file__).parent / filename)


def run(con: duckdb.DuckDBPyConnection, filename: str, name: str, params: dict | None = None) -> None:
    """Execute one named statement, binding only the parameters it mentions."""
    sql = statements(filename)[name]
    con.execute(sql, sqlfile.bound(sql, params))
