"""Small helpers for the registry/permit/tip/relit detector frames (on top of frames.py)."""

from __future__ import annotations

import json

import duckdb
import pyarrow as pa


def site(con: duckdb.DuckDBPyConnection, site_id: str, *members: tuple[str, str],
         lon: float | None = None, lat: float | None = None, link_score: float = 1.0) -> None:
    """A site with its members given as (member_kind, member_key)."""
    con.execute("insert into sites values (?, ?, null, null, ?, ?)", [site_id, site_id, lon, lat])
    for kind, key in members:
        con.execute("insert into site_members values (?, ?, ?, 'test', ?)",
                    [site_id, kind, key, link_score])


def by_site(table: pa.Table) -> dict[str, dict]:
    """site_id → evidence row (facts parsed); a detector emits one row per site here."""
    rows = table.to_pylist()
    out = {r["site_id"]: r | {"facts": json.loads(r["facts"])} for r in rows}
    assert len(out) == len(rows), "one row per site expected"
    return out


def uscc(n: int, kind: str = "91") -> str:
    """A USCC-shaped key (check digit not needed after ingest)."""
    return f"{kind}140828MA0{n:06d}X"[:18]
