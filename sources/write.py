"""Writing a file's good rows: replace by natural key in a table, or in lake partitions.

Both run inside the caller's transaction; both return how many earlier rows were replaced.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

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


# Lake files: zstd without dictionary pages. Measured on 10M readings (2 vCPU, under load):
# DuckDB's dictionary building cost ~2 s of CPU of the ~9 s write, and the files came out
# smaller without it (3.0 MB against 5.0 MB); zstd finds the repeats on its own.
_FILE_FORMAT = "format parquet, compression 'zstd', dictionary_size_limit 0"
_LAKE_FORMAT = f"{_FILE_FORMAT}, partition_by (part), write_partition_columns false, return_stats"
_RANGE_MIN_ROWS = 100_000  # average rows a partition needs to be written on its own
_KEY_VALUES_MAX = 2_000  # a file's first key column's values are kept when at most this many


@dataclass(frozen=True)
class LakeFile:
    part: str
    path: Path  # where the file is now (staging until it is moved into the lake)
    rows: int


def _lake_cols(spec: SourceSpec) -> str:
    return ", ".join(n for n, _ in columns_sql(spec))


def _sql_str(s: str) -> str:
    return s.replace("'", "''")


def _listing(paths: list[Path]) -> str:
    return "[" + ", ".join(f"'{_sql_str(str(p))}'" for p in paths) + "]"


def copy_partitions(con: duckdb.DuckDBPyConnection, spec: SourceSpec, rows: str, out: Path,
                    load_id: int, ranges: list[PartRange] | None = None) -> list[LakeFile]:
    """Write `rows` (a relation with the canonical columns) as Parquet under `out`, one folder
    per partition; the files' row counts come back from the write itself.

    With `ranges` (see `clustered_ranges`), each partition is written by its own plain write
    of the rows in its range, which reads only the row groups that can hold them; else one
    partitioned write sorts all rows into their partitions (it copies every row once more:
    ~2 of ~6 s of CPU for 10M readings).
    """
    select = f"select {_lake_cols(spec)}, {load_id} as _load_id"
    if ranges is None:
        return _copy(con, f"{select}, {spec.lake_partition} as part from {rows}", out, load_id)
    if out.exists():
        shutil.rmtree(out)
    files = []
    for r in ranges:
        target = out / f"part={r.part}" / f"load{load_id}_0.parquet"
        target.parent.mkdir(parents=True)
        f = _copy_file(con, f"{select} from {rows} where {r.column} between {r.lo} and {r.hi} "
                            f"and {spec.lake_partition} = {r.part}", r.part, target)
        if f:
            files.append(f)
    return files


def _copy_file(con: duckdb.DuckDBPyConnection, select: str, part: str, target: Path) -> LakeFile | None:
    """Write `select` as one Parquet file; its rows counted by the write itself. None (and no
    file) when it holds no rows."""
    res = con.execute(f"copy ({select}) to '{_sql_str(str(target))}' ({_FILE_FORMAT}, return_stats)")
    count = dict(zip([d[0] for d in res.description], res.fetchone(), strict=True))["count"]
    if count:
        return LakeFile(part, target, count)
    target.unlink()
    return None


@dataclass(frozen=True)
class PartRange:
    part: str
    column: str  # canonical column the partition is computed from
    lo: str  # SQL literals: the least and greatest value of the column in the partition
    hi: str


def clustered_ranges(con: duckdb.DuckDBPyConnection, spec: SourceSpec, rows: str,
                     column: str, parquet: Path, file_column: str) -> list[PartRange] | None:
    """Per partition the range of `column` in `rows`, when the file's row groups are clustered
    by it (a file in time order): writing each partition from its range then reads about
    each row group once (at most 1.5 times over). None otherwise, and for small partitions:
    each write costs ~12 ms of its own, the partitioned write ~0.2 µs a row more.

    `rows` must read `column` from the Parquet file's `file_column` unchanged, so that a filter
    on it skips row groups by their statistics.
    """
    typ = dict(columns_sql(spec))[column]
    found = con.execute(f"""
        with b as (select {spec.lake_partition} as p, min({column}) as lo, max({column}) as hi
                   from {rows} where {column} is not null group by p),
        m as (select row_group_num_rows as n, try_cast(stats_min_value as {typ}) as lo,
                     try_cast(stats_max_value as {typ}) as hi
              from parquet_metadata('{_sql_str(str(parquet))}')
              where path_in_schema = '{_sql_str(file_column)}')
        select b.p, cast(b.lo as varchar), cast(b.hi as varchar),
               (select sum(n) from m where coalesce(m.lo <= b.hi, true) and coalesce(m.hi >= b.lo, true)),
               (select sum(n) from m)
        from b order by b.p""").fetchall()
    total = found[0][4] if found else None
    if not total or sum(r[3] or 0 for r in found) > 1.5 * total or total < _RANGE_MIN_ROWS * len(found):
        return None
    return [PartRange(str(p), column, f"cast('{lo}' as {typ})", f"cast('{hi}' as {typ})")
            for p, lo, hi, _, _ in found]


def _copy(con: duckdb.DuckDBPyConnection, select: str, out: Path, load_id: int) -> list[LakeFile]:
    if out.exists():  # left by a crashed load that drew the same number
        shutil.rmtree(out)
    res = con.execute(f"copy ({select}) to '{_sql_str(str(out))}' "
                      f"({_LAKE_FORMAT}, filename_pattern 'load{load_id}_{{i}}')")
    names = [d[0] for d in res.description]
    stats = [dict(zip(names, r, strict=True)) for r in res.fetchall()]
    return [LakeFile(str(s["partition_keys"]["part"]), Path(s["filename"]), s["count"])
            for s in stats if s["count"]]


def has_duplicate_keys(con: duckdb.DuckDBPyConnection, spec: SourceSpec, files: list[LakeFile]) -> bool:
    """Exact: do two of these rows share the natural key?"""
    if not files:
        return False
    key = ", ".join(spec.key)
    return con.execute(f"select 1 from read_parquet({_listing([f.path for f in files])}) "
                       f"group by {key} having count(*) > 1 limit 1").fetchone() is not None


@dataclass(frozen=True)
class KeyRange:
    """A lake file's least and greatest value of each key column (as text, in key order), and
    its first key column's distinct values when there are at most `_KEY_VALUES_MAX`."""
    lo: list[str]
    hi: list[str]
    values: list[str] | None


def key_ranges(con: duckdb.DuckDBPyConnection, spec: SourceSpec, paths: list[Path]
               ) -> dict[Path, KeyRange]:
    """Per file, its `KeyRange`: exact, from a scan of the files' key columns (Parquet statistics
    are not used: a writer may truncate them for long text)."""
    if not paths:
        return {}
    lo = ", ".join(f"min({k})::varchar" for k in spec.key)
    hi = ", ".join(f"max({k})::varchar" for k in spec.key)
    first = spec.key[0]
    found = con.execute(f"""
        select filename, [{lo}], [{hi}], approx_count_distinct({first}) as n
        from read_parquet({_listing(paths)}, filename = true) group by filename""").fetchall()
    few = [f for f, _, _, n in found if n <= _KEY_VALUES_MAX]
    values = dict(con.execute(f"""
        select filename, list_sort(list(distinct {first}::varchar))
        from read_parquet({_listing(few)}, filename = true) group by filename""").fetchall()
                  ) if few else {}
    return {Path(f): KeyRange(mins, maxs, v if (v := values.get(f)) is None
                              or len(v) <= _KEY_VALUES_MAX else None)
            for f, mins, maxs, _ in found}


def _ranges_overlap(spec: SourceSpec, a: str, b: str) -> str:
    """SQL: can a file listed as `a` share a key with one listed as `b`? Their ranges meet on
    every key column and they share a value of the first (when both keep their values);
    unknown (null) ranges always can."""
    types = dict(columns_sql(spec))
    meet = [f"coalesce(cast({a}.key_min[{i}] as {t}) <= cast({b}.key_max[{i}] as {t}), true) and "
            f"coalesce(cast({a}.key_max[{i}] as {t}) >= cast({b}.key_min[{i}] as {t}), true)"
            for i, t in enumerate((types[k] for k in spec.key), 1)]
    meet.append(f"coalesce(list_has_any({a}.key_values, {b}.key_values), true)")
    return " and ".join(meet)


def _fill_unknown_ranges(con: duckdb.DuckDBPyConnection, wh: Warehouse, spec: SourceSpec,
                         parts: list[str]) -> None:
    """Key ranges for listed files of these partitions that have none (listed before the
    ranges were kept), from the files themselves: once, in the caller's transaction."""
    unknown = [p for (p,) in con.execute(
        "select path from lake_files where table_name = $t and key_min is null and part in "
        "(select unnest($parts))", {"t": spec.name, "parts": parts}).fetchall()]
    for f, r in key_ranges(con, spec, [wh.lake / p for p in unknown]).items():
        con.execute("update lake_files set key_min = $lo, key_max = $hi, key_values = $v "
                    "where table_name = $t and path = $p",
                    {"lo": r.lo, "hi": r.hi, "v": r.values, "t": spec.name,
                     "p": f.relative_to(wh.lake).as_posix()})


def write_lake(con: duckdb.DuckDBPyConnection, wh: Warehouse, spec: SourceSpec,
               new: list[LakeFile], load_id: int) -> int:
    """Put a file's partition files (written by `copy_partitions`) into the lake.

    A new partition file whose key ranges (`lake_files.key_min/key_max`, `key_values`) miss
    those of every file already in its partition cannot share a key with them: it is added beside them, and
    nothing is read or rewritten. Else the listed files whose ranges meet it are checked by
    key: each one holding keys of the file is written again without those rows (a file of its
    own, `_rewrite_without`); the file itself is always added as it is. Files in the lake are
    never changed: new files get new names and are listed in `lake_files` in the
    caller's transaction; the files they replace are removed by `prune_lake` after the commit.
    Returns how many earlier rows were replaced.
    """
    if not new:
        return 0
    cols = _lake_cols(spec)
    part = spec.lake_partition
    _fill_unknown_ranges(con, wh, spec, sorted({f.part for f in new}))
    ranges = key_ranges(con, spec, [f.path for f in new])
    con.execute("create or replace temp table _new_files (part varchar, path varchar, "
                "key_min varchar[], key_max varchar[], key_values varchar[])")
    con.executemany("insert into _new_files values (?, ?, ?, ?, ?)",
                    [[f.part, str(f.path), r.lo, r.hi, r.values]
                     for f in new for r in [ranges[f.path]]])
    meeting = dict(con.execute(f"""select distinct o.path, o.part from lake_files o join _new_files n
        on o.table_name = $t and o.part = n.part and {_ranges_overlap(spec, 'o', 'n')}""",
                               {"t": spec.name}).fetchall())
    con.execute("drop table _new_files")
    updated = 0
    replaced: list[str] = []
    if meeting:
        by_name = {str(wh.lake / p): p for p in meeting}
        con.execute(f"create or replace temp view _old as select {cols}, _load_id, {part} as part, "
                    f"filename from read_parquet({_listing(list(by_name))}, filename = true)")
        con.execute(f"create or replace temp view _new as select {cols}, _load_id, {part} as part "
                    f"from read_parquet({_listing([f.path for f in new])})")
        hits = con.execute(f"select filename, count(*) from _old o semi join _new n on "
                           f"{_key_match(spec, 'o', 'n')} group by filename").fetchall()
        updated = sum(n for _, n in hits)
        if hits:
            replaced = [by_name[f] for f, _ in hits]
            kept = _rewrite_without(con, wh, spec, replaced, meeting, new, load_id)
            new = new + kept
            ranges |= key_ranges(con, spec, [f.path for f in kept])
        con.execute("drop view _old")
        con.execute("drop view _new")
    if replaced:
        con.execute("delete from lake_files where table_name = $t and path in (select unnest($p))",
                    {"t": spec.name, "p": replaced})
    for f, (p, rel, rows) in _move_into_lake(wh, spec, new, load_id):
        r = ranges[f]
        con.execute("insert into lake_files (table_name, part, path, rows, load_id, key_min, "
                    "key_max, key_values) values ($t, $p, $path, $rows, $id, $lo, $hi, $v)",
                    {"t": spec.name, "p": p, "path": rel, "rows": rows, "id": load_id,
                     "lo": r.lo, "hi": r.hi, "v": r.values})
    return updated


def _rewrite_without(con: duckdb.DuckDBPyConnection, wh: Warehouse, spec: SourceSpec,
                     replaced: list[str], part_of: dict[str, str], new: list[LakeFile],
                     load_id: int) -> list[LakeFile]:
    """Each listed file holding keys of the new files, written again without those rows: a
    file of its own each, beside the new files (not merged with them), so a lake file keeps
    the rows of one load and its key ranges stay as narrow as that load's. A file left empty
    is dropped."""
    out = wh.tmp / f"lake-{load_id}-merged"
    out.mkdir(parents=True, exist_ok=True)
    kept = []
    for i, rel in enumerate(replaced):
        p = part_of[rel]
        mine = [f.path for f in new if f.part == p]
        f = _copy_file(con, f"select o.* from read_parquet('{_sql_str(str(wh.lake / rel))}') o anti join "
                            f"(select {', '.join(spec.key)} from read_parquet({_listing(mine)})) n on "
                            f"{_key_match(spec, 'o', 'n')}", p, out / f"kept{i}.parquet")
        if f:
            kept.append(f)
    return kept


def _move_into_lake(wh: Warehouse, spec: SourceSpec, files: list[LakeFile], load_id: int
                    ) -> list[tuple[Path, tuple[str, str, int]]]:
    """Move the files into the lake under new names: (where each was, (part, path, rows))."""
    listed = []
    seen: dict[str, int] = {}
    for f in sorted(files, key=lambda f: (f.part, str(f.path))):
        i = seen[f.part] = seen.get(f.part, -1) + 1
        rel = f"{spec.name}/part={f.part}/load{load_id}-{i}.parquet"
        target = wh.lake / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        f.path.replace(target)
        listed.append((f.path, (f.part, rel, f.rows)))
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
