"""Named SQL statements kept in `.sql` files beside the modules that run them.

A file holds several statements, each introduced by a line `-- name: <key>`; the text up to
the next such line is one statement. Values are bound at execution (`$radius_m`), never
formatted in.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import duckdb

_NAME = re.compile(r"^-- name: (\w+)\s*$", re.MULTILINE)
_PARAM = re.compile(r"\$(\w+)")


@cache
def statements(filename: str) -> dict[str, str]:
    """Statements of `sites/<filename>` by name, in file order."""
    text = (Path(__file__).parent / filename).read_text(encoding="utf-8")
    parts = _NAME.split(text)
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def run(
    con: duckdb.DuckDBPyConnection, filename: str, name: str, params: dict | None = None
) -> None:
    """Execute one named statement, binding only the parameters it mentions."""
    sql = statements(filename)[name]
    mentioned = set(_PARAM.findall(sql))
    used = {k: v for k, v in (params or {}).items() if k in mentioned}
    con.execute(sql, used)
