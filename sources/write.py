"""Writing a file's good rows: replace by natural key in a table, or in lake partitions.

Both run inside the caller's transaction; both return how many earlier rows were replaced.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from sources.checks import CastPlan
from sources.spec import SourceSpec
from sources.warehouse import Warehouse, columns_sql


def _key_match(spec: SourceSpec, a: str, b: str) -> str:
    return " and ".join(f"{a}.{k} = {b}.{k}" for k in spec.key)


def write_table(con: duckdb.DuckDBPyConnection, spec: SourceSpec, plan: CastPlan, good: str,
                load_id: int) -> int:
    cols = ", ".join(n for n, _ in columns_sql(spec))
    key = ", ".join(spec.key)
    con.execute(f"create or replace temp table _new as select {cols}, _extra, _row from {good}")
    updated = con.execute(f"select count(*) from {spec.name} t semi join _new n on "
                          f"{_key_match(spec, 't', 'n')}").fetchone()[0]
    con.execute(f"delete from {spec.name} t using (select {key} from _new) n "
                f"where {_key_match(spec, 't', 'n')}")
    con.execute(f"insert into {spec.name} ({cols}, _extra, _load_id, _row) "
                f"select {cols}, _extra, $id, _row from _new", {"id": load_id})
    con.execute("drop table _new")
    return updated


def write_lake(con: duckdb.DuckDBPyConnection, wh: Warehouse, spec: SourceSpec, plan: CastPlan,
               good: str, load_id: int) -> int:
    """Rewrite each partition the file touches: earlier rows not in the file, plus the file's.

    New files get new names and are listed in `lake_files` in the caller's transaction; the
    files they replace are removed by `prune_lake` after the commit.
    """
    cols = ", ".join(n for n, _ in columns_sql(spec))
    part = spec.lake_partition
    parts = [str(p) for (p,) in con.execute(f"select distinct {part} from {good}").fetchall()]
    old = con.execute("select path from lake_files where table_name = $t and part in "
                      "(select unnest($parts))", {"t": spec.name, "parts": parts}).fetchall()
    new = f"select {cols}, {load_id} as _load_id, {part} as part from {good}"
    updated = 0
    if old:
        listing = "[" + ", ".join("'" + str(wh.lake / p).replace("'", "''") + "'" for (p,) in old) + "]"
        con.execute(f"create or replace temp view _old as select {cols}, _load_id, {part} as part "
                    f"from read_parquet({listing})")
        updated = con.execute(f"select count(*) from _old o semi join {good} n on "
                              f"{_key_match(spec, 'o', 'n')}").fetchone()[0]
        new = (f"select {cols}, _load_id, part from _old o anti join {good} n on "
               f"{_key_match(spec, 'o', 'n')} union all {new}")
    out = wh.tmp / f"lake-{load_id}"
    con.execute(f"copy ({new}) to '{out}' (format parquet, partition_by (part), "
                f"filename_pattern 'load{load_id}_{{i}}', write_partition_columns false, "
                "compression 'zstd')")
    con.execute("delete from lake_files where table_name = $t and part in (select unnest($parts))",
                {"t": spec.name, "parts": parts})
    for p, rel, rows in _move_into_lake(wh, spec, out, load_id):
        con.execute("insert into lake_files values ($t, $p, $path, $rows, $id)",
                    {"t": spec.name, "p": p, "path": rel, "rows": rows, "id": load_id})
    return updated


def _move_into_lake(wh: Warehouse, spec: SourceSpec, out: Path, load_id: int
                    ) -> list[tuple[str, str, int]]:
    listed = []
    for d in sorted(out.iterdir()):
        part = d.name.split("=", 1)[1]
        for i, f in enumerate(sorted(d.glob("*.parquet"))):
            rel = f"{spec.name}/part={part}/load{load_id}-{i}.parquet"
            target = wh.lake / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            f.replace(target)
            listed.append((part, rel, pq.ParquetFile(target).metadata.num_rows))
    return listed


def prune_lake(con: duckdb.DuckDBPyConnection, wh: Warehouse) -> int:
    """Delete lake files no longer listed (replaced, or left by a crashed load)."""
    listed = {wh.lake / p for (p,) in con.execute("select path from lake_files").fetchall()}
    removed = 0
    if wh.lake.exists():
        for f in wh.lake.rglob("*.parquet"):
            if f not in listed:
                f.unlink()
                removed += 1
    return removed
