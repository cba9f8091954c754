"""The warehouse: one DuckDB file plus a Parquet lake for the big facts, beside it.

    data/warehouse.duckdb           manifest, rejects, lake file list, canonical tables
    data/warehouse.lake/<table>/    readings and GPS points: Parquet, one file per partition
    data/warehouse.archive/<src>/   every dropped file, unchanged, named by its SHA-256
    data/warehouse.tmp/             staging and spill space (cleaned on open)

Why a lake: hundreds of millions of readings load and scan fastest as Parquet that DuckDB
reads in place (row groups pruned by date), and a later distributed run can read the same
files without the DuckDB file lock. Which files make up a table is recorded in `lake_files`
inside the DuckDB transaction that loads them, so a crash never exposes half a load.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from sources import SPECS
from sources.spec import Kind, SourceSpec

DEFAULT_PATH = Path("data/warehouse.duckdb")
SQL_TYPES = {
    Kind.TEXT: "varchar", Kind.ID: "varchar", Kind.USCC: "varchar", Kind.PLATE: "varchar",
    Kind.DATE: "date", Kind.TIMESTAMP: "timestamp", Kind.NUMBER: "double",
    Kind.LON: "double", Kind.LAT: "double", Kind.BOOL: "boolean",
}
_SQL_DIR = Path(__file__).parent


def default_path() -> Path:
    return Path(os.environ.get("XHG_WAREHOUSE", DEFAULT_PATH))


def columns_sql(spec: SourceSpec) -> list[tuple[str, str]]:
    """(name, type) of a canonical table: typed columns (坐标系 is consumed), derived ones."""
    cols = [(c.name, SQL_TYPES[c.kind]) for c in spec.columns if c.kind != Kind.CRS]
    return cols + [(name, typ) for name, typ, _ in spec.derived]


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Temporary macros, so read-only connections get them too."""
    for name in ("geo.sql", "normalise.sql"):
        sql = (_SQL_DIR / name).read_text(encoding="utf-8")
        con.execute(sql.replace("create or replace macro", "create or replace temp macro"))


@dataclass(frozen=True)
class Warehouse:
    path: Path

    @property
    def lake(self) -> Path:
        return self.path.with_suffix(".lake")

    @property
    def archive(self) -> Path:
        return self.path.with_suffix(".archive")

    @property
    def tmp(self) -> Path:
        return self.path.with_suffix(".tmp")

    def connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """Open the DuckDB file with macros and lake views in place."""
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.tmp.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(self.path), read_only=read_only)
        # DuckDB's own limit; the process peaks ~1 GB above it (Python, Arrow buffers)
        con.execute("set memory_limit = $m", {"m": os.environ.get("XHG_MEMORY_LIMIT", "3GB")})
        # nothing here depends on scan order (rows carry their own numbers); unordered writes
        # stream in bounded memory
        con.execute("set preserve_insertion_order = false")
        if not read_only:
            con.execute("set temp_directory = $t", {"t": str(self.tmp)})
            _create_schema(con)
        install_macros(con)
        refresh_lake_views(con, self)
        return con

    def clean_tmp(self) -> None:
        """Staging left by a crashed load: nothing in it is referenced by the manifest."""
        if self.tmp.exists():
            shutil.rmtree(self.tmp)
        self.tmp.mkdir(parents=True, exist_ok=True)


def _create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute((_SQL_DIR / "warehouse.sql").read_text(encoding="utf-8"))
    for spec in SPECS:
        if spec.lake_partition:
            continue
        cols = ", ".join(f"{n} {t}" for n, t in columns_sql(spec))
        key = ", ".join(spec.key)
        con.execute(f"create table if not exists {spec.name} ({cols}, _extra json, "
                    f"_load_id integer, _row bigint, primary key ({key}))")


def lake_sources() -> tuple[SourceSpec, ...]:
    return tuple(s for s in SPECS if s.lake_partition)


def refresh_lake_views(con: duckdb.DuckDBPyConnection, wh: Warehouse) -> None:
    """(Re)define a temp view per lake table over the files `lake_files` lists now."""
    for spec in lake_sources():
        files = [str(wh.lake / p) for (p,) in con.execute(
            "select path from lake_files where table_name = $t order by path",
            {"t": spec.name}).fetchall()]
        cols = columns_sql(spec)
        if files:
            listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
            names = ", ".join(n for n, _ in cols)
            body = f"select {names}, _load_id from read_parquet([{listing}])"
        else:
            typed = ", ".join(f"cast(null as {t}) as {n}" for n, t in cols)
            body = f"select {typed}, cast(null as integer) as _load_id where false"
        con.execute(f"create or replace temp view {spec.name} as {body}")
