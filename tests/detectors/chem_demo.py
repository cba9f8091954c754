"""The generated demo county for the quality floors of the registry/permit/tip/relit detectors.

`demo_county()` generates a small county (seed 5), ingests it (GPS tracks skipped: none of
these detectors reads them), resolves sites with the real resolver and caches the result for
the test session (about 15 s once). `planted_site`/`decoy_sites` map the truth to site ids.
"""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

SKIP = ("vehicle_tracks",)


@dataclass(frozen=True)
class Demo:
    path: Path
    truth: dict
    as_of: date


@functools.cache
def demo_county(seed: int = 5) -> Demo:
    from data.generator import generate
    from sites.resolve import resolve_sites
    from sources.load import ingest_file
    from sources.warehouse import Warehouse

    root = Path(tempfile.mkdtemp(prefix="xhg_chem_demo_"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    generate(root / "county", "small", seed, progress=lambda _: None)
    truth = json.loads((root / "county" / "truth.json").read_text("utf-8"))
    as_of = date.fromisoformat(truth["as_of"])
    inbox = root / "county" / "inbox"
    wh = Warehouse(root / "wh" / "warehouse.duckdb")
    con = wh.connect()
    for path in sorted(inbox.rglob("*")):
        if path.is_file() and path.parent.name not in SKIP:
            ingest_file(wh, con, path, inbox)
    resolve_sites(con, as_of)
    con.close()
    return Demo(wh.path, truth, as_of)


def connect(demo: Demo) -> duckdb.DuckDBPyConnection:
    from sources.warehouse import Warehouse

    return Warehouse(demo.path).connect(read_only=True)


def site_of(con: duckdb.DuckDBPyConnection, item: dict) -> str | None:
    """The site of a truth item: through its registrations, else its accounts."""
    for kind, keys in (("registry", item.get("usccs", [])), ("power_account", item["account_nos"])):
        for key in keys:
            row = con.execute("select site_id from site_members where member_kind = ?"
                              " and member_key = ?", [kind, key]).fetchone()
            if row:
                return row[0]
    return None


def planted_site(con: duckdb.DuckDBPyConnection, demo: Demo, category: int | str,
                 relit: bool = False) -> str:
    item = next(p for p in demo.truth["planted"]
                if str(p["category"]) == str(category) and p["relit"] == relit)
    site = site_of(con, item)
    assert site is not None, item
    return site


def decoy_sites(con: duckdb.DuckDBPyConnection, demo: Demo, *kinds: str) -> set[str]:
    """Sites of the decoys of these kinds (all decoys when none named), minus planted sites."""
    planted = {site_of(con, p) for p in demo.truth["planted"]}
    sites = {site_of(con, d) for d in demo.truth["decoys"] if not kinds or d["kind"] in kinds}
    return {s for s in sites if s is not None} - planted


def scores(table) -> dict[str, float]:
    """site_id → best score of an evidence table."""
    out: dict[str, float] = {}
    for site, score in zip(table.column("site_id").to_pylist(), table.column("score").to_pylist(),
                           strict=True):
        out[site] = max(score, out.get(site, 0.0))
    return out
