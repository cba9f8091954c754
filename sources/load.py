"""Loading one dropped file into the warehouse: map → cast → check → dedupe → replace by key.

Guarantees, per file: rows loaded + rows rejected = rows read; a bad value is listed in
`load_rejects` with the file, row, column and a Chinese reason; a re-export replaces rows by
the source's natural key; the same content dropped again changes nothing; the file's rows
appear all at once or not at all (one DuckDB transaction, lake files swapped inside it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from sources import specs_for_folder
from sources.checks import CastPlan, plan_casts
from sources.readers import RawTable, UnreadableFile, normalise_header, read_any
from sources.spec import SourceSpec
from sources.warehouse import Warehouse, refresh_lake_views
from sources.write import (
    clustered_ranges,
    copy_partitions,
    has_duplicate_keys,
    write_lake,
    write_table,
)


@dataclass
class FileReport:
    file: str
    source: str
    sha256: str
    rows_read: int = 0
    loaded: int = 0
    updated: int = 0
    rejected: int = 0
    status: str = "loaded"  # loaded / duplicate / quarantined
    reason: str = ""
    values_cleared: int = 0

    def as_dict(self) -> dict:
        return asdict(self)

    def line_zh(self) -> str:
        """One line for the analyst."""
        if self.status == "duplicate":
            return f"【跳过】{self.file}：{self.reason}"
        if self.status == "quarantined":
            return f"【隔离】{self.file}：{self.reason}"
        text = (f"【入库】{self.file}：读取 {self.rows_read:,} 行，入库 {self.loaded:,} 行"
                f"（其中覆盖已有 {self.updated:,} 行），拒收 {self.rejected:,} 行")
        if self.values_cleared:
            text += f"，{self.values_cleared:,} 个可选值无法识别已置空"
        return text


class FileRejected(Exception):
    """The whole file is refused (unreadable, missing columns); the message is Chinese."""


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def choose_spec(folder: str, headers: tuple[str, ...]) -> tuple[SourceSpec, dict[str, str]]:
    """The spec whose required columns the headers cover, and canonical -> file header."""
    candidates = specs_for_folder(folder)
    if not candidates:
        raise FileRejected(f"未知的数据目录 {folder}")
    best: tuple[int, SourceSpec, dict[str, str], list[str]] | None = None
    for spec in candidates:
        mapping = map_headers(spec, headers)
        missing = [c.label for c in spec.required if c.name not in mapping]
        score = len(mapping) - 100 * len(missing)
        if best is None or score > best[0]:
            best = (score, spec, mapping, missing)
    assert best is not None
    _, spec, mapping, missing = best
    if missing:
        raise FileRejected(f"缺少必需的列：{'、'.join(missing)}（{spec.label}）")
    return spec, mapping


def map_headers(spec: SourceSpec, headers: tuple[str, ...]) -> dict[str, str]:
    """Canonical name -> the file's header; the contract's own name wins over an alias."""
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(normalise_header(h), h)
    mapping: dict[str, str] = {}
    for col in spec.columns:
        for name in col.headers:
            h = by_norm.get(normalise_header(name))
            if h is not None and h not in mapping.values():
                mapping[col.name] = h
                break
    return mapping


def known_headers(folder: str) -> set[str]:
    return {normalise_header(h) for s in specs_for_folder(folder) for c in s.columns
            for h in c.headers}


def ingest_file(wh: Warehouse, con: duckdb.DuckDBPyConnection, path: Path, inbox: Path,
                folder: str | None = None) -> FileReport:
    """Load one file; a refused file is moved to the quarantine folder with a reason file.

    The source folder is the file's first folder under `inbox`, unless given (`xhg feedback`
    loads a returned lead list from anywhere as `outcomes`).
    """
    folder = folder or path.relative_to(inbox).parts[0]
    rel = str(path.relative_to(inbox))
    sha = sha256_of(path)
    stat = path.stat()
    seen = con.execute("select file, finished_at from load_manifest where sha256 = $s "
                       "and status = 'loaded' order by load_id limit 1", {"s": sha}).fetchone()
    load_id = con.execute("select nextval('load_seq')").fetchone()[0]
    started = dt.datetime.now()
    report = FileReport(rel, folder, sha)
    if seen is not None:
        report.status = "duplicate"
        report.reason = f"内容与已入库的 {seen[0]}（{seen[1]:%Y-%m-%d %H:%M}）完全相同，未重复入库"
        _record(con, load_id, report, folder, stat, None, None, started)
        return report
    try:
        raw = read_any(con, path, known_headers(folder), wh.tmp)
        spec, mapping = choose_spec(folder, raw.headers)
        report.source = spec.name
        archived = _archive(wh, path, folder, sha)
        plan = plan_casts(con, spec, raw, mapping)
        _load(wh, con, spec, raw, plan, report, load_id, archived, stat, started)
    except (UnreadableFile, FileRejected, duckdb.InvalidInputException,
            duckdb.ConversionException) as e:
        report.status = "quarantined"
        report.reason = str(e).splitlines()[0][:500]
        report.rows_read = report.loaded = report.updated = report.rejected = 0
        _quarantine(inbox, path, report.reason)
        _record(con, load_id, report, folder, stat, None, None, started)
    return report


def _load(wh: Warehouse, con: duckdb.DuckDBPyConnection, spec: SourceSpec, raw: RawTable,
          plan: CastPlan, report: FileReport, load_id: int, archived: str,
          stat, started: dt.datetime) -> None:
    if not (spec.lake_partition and _load_lake(wh, con, spec, raw, plan, report, load_id,
                                                archived, stat, started)):
        _load_staged(wh, con, spec, raw, plan, report, load_id, archived, stat, started)
    refresh_lake_views(con, wh)


def _load_lake(wh: Warehouse, con: duckdb.DuckDBPyConnection, spec: SourceSpec, raw: RawTable,
               plan: CastPlan, report: FileReport, load_id: int, archived: str,
               stat, started: dt.datetime) -> bool:
    """Lake sources without duplicate keys in the file: the file's good rows go from the file
    straight into partition files, never held in between. False (nothing done) when the file
    repeats a key: `_load_staged` then reports which rows and keeps the last.

    Passes over the file: the rows a check fails on (normally few) are kept with their
    reasons; one streaming pass proves the keys unique when the file is sorted by them (else
    an exact check runs on the written rows); the write itself casts again, without the
    checks when none failed.
    """
    out = wh.tmp / f"lake-{load_id}"
    try:
        con.execute("create or replace temp table _flagged as select _row, _reject, _issues, "
                    f"_as_read from ({plan.stage_sql(raw, as_read=True)}) "
                    "where _issues is not null or not _as_read")
        flagged, rejected, cleaned = con.execute(
            "select count(*) filter (where _issues is not null), count(*) filter (where _reject), "
            "count(*) filter (where not _as_read) from _flagged").fetchone()
        proven_unique = plan.key_proven_unique(con, raw, as_read=not cleaned)
        cast = f"({plan.cast_sql(raw, as_read=not cleaned)})"
        rows = f"(select * from ({plan.stage_sql(raw)}) where not _reject)" if flagged else cast
        source = plan.partition_source()
        ranges = (clustered_ranges(con, spec, cast, source[0], raw.parquet, source[1])
                  if source and raw.parquet else None)
        files = copy_partitions(con, spec, rows, out, load_id, ranges)
        if not proven_unique and has_duplicate_keys(con, spec, files):
            return False
        report.rows_read = sum(f.rows for f in files) + rejected
        _commit(con, "_flagged", lambda: write_lake(con, wh, spec, files, load_id),
                report, load_id, spec, stat, archived, raw, started)
    finally:
        _clean(con, "_flagged", out)
    return True


def _load_staged(wh: Warehouse, con: duckdb.DuckDBPyConnection, spec: SourceSpec, raw: RawTable,
                 plan: CastPlan, report: FileReport, load_id: int, archived: str,
                 stat, started: dt.datetime) -> None:
    """Any file: the cast rows held once in a temp table (it spills to the warehouse's tmp
    folder when large), rows repeating a key found and listed, the last kept."""
    con.execute(f"create or replace temp table _stage as {plan.stage_sql(raw)}")
    s = "_stage"
    report.rows_read = con.execute(f"select count(*) from {s}").fetchone()[0]
    out = wh.tmp / f"lake-{load_id}"

    def write() -> int:
        dups = plan.dedupe(con, s, load_id, report.file)
        has_dups = con.execute(f"select count(*) from {dups}").fetchone()[0] > 0
        good = (f"(select * from {s} where not _reject"
                + (f" and _row not in (select _row from {dups}))" if has_dups else ")"))
        if spec.lake_partition:
            return write_lake(con, wh, spec, copy_partitions(con, spec, good, out, load_id), load_id)
        return write_table(con, spec, plan, good, load_id)

    try:
        _commit(con, s, write, report, load_id, spec, stat, archived, raw, started)
    finally:
        _clean(con, s, out)


def _commit(con: duckdb.DuckDBPyConnection, flagged: str, write, report: FileReport, load_id: int,
            spec: SourceSpec, stat, archived: str, raw: RawTable, started: dt.datetime) -> None:
    """One transaction: the rows of `flagged` with issues listed in load_rejects, `write()`
    (returns rows updated), counts and the manifest row; rolled back whole on any failure."""
    con.execute("begin")
    try:
        con.execute(f"""insert into load_rejects
            select $id, $f, _row, i.col, i.val, i.reason, case when i.reject then '拒收' else '置空' end
            from (select _row, unnest(_issues) as i from {flagged} where _issues is not null)""",
                    {"id": load_id, "f": report.file})
        report.updated = write()
        _finish(con, report, load_id, spec, stat, archived, raw, started)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _clean(con: duckdb.DuckDBPyConnection, table: str, out: Path) -> None:
    """Drop the load's temp table and its partition files (written or merged)."""
    con.execute(f"drop table if exists {table}")
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(out.with_name(out.name + "-merged"), ignore_errors=True)


def _finish(con, report: FileReport, load_id: int, spec: SourceSpec, stat, archived: str,
            raw: RawTable, started: dt.datetime) -> None:
    """Counts from what was listed, and the manifest row (inside the load's transaction)."""
    report.rejected, report.values_cleared = con.execute(
        "select count(distinct row_no) filter (where action = '拒收'), "
        "count(*) filter (where action = '置空') from load_rejects where load_id = $id",
        {"id": load_id}).fetchone()
    report.loaded = report.rows_read - report.rejected
    _record(con, load_id, report, spec.inbox_folder, stat, archived, raw.encoding, started)


def _record(con, load_id, report: FileReport, folder, stat, archived, encoding, started) -> None:
    con.execute("""insert into load_manifest values ($id, $src, $folder, $file, $sha, $size, $mtime,
        $arch, $enc, $read, $loaded, $updated, $rejected, $cleared, $status, $reason, $t0, now())""",
                {"id": load_id, "src": report.source, "folder": folder, "file": report.file,
                 "sha": report.sha256, "size": stat.st_size, "mtime": stat.st_mtime,
                 "arch": archived, "enc": encoding, "read": report.rows_read,
                 "loaded": report.loaded, "updated": report.updated, "rejected": report.rejected,
                 "cleared": report.values_cleared, "status": report.status,
                 "reason": report.reason or None, "t0": started})


def _archive(wh: Warehouse, path: Path, folder: str, sha: str) -> str:
    """Copy the dropped file, unchanged, under its hash (idempotent)."""
    rel = Path(folder) / sha[:2] / f"{sha}{path.suffix.lower()}"
    target = wh.archive / rel
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".part")
        shutil.copyfile(path, tmp)
        tmp.replace(target)
    return str(rel)


def _quarantine(inbox: Path, path: Path, reason: str) -> None:
    target_dir = inbox / "_quarantine" / path.parent.relative_to(inbox)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / path.name
    if target.exists():
        target = target_dir / f"{path.stem}-{dt.datetime.now():%Y%m%d%H%M%S}{path.suffix}"
    shutil.move(path, target)
    target.with_name(target.name + ".原因.txt").write_text(
        f"文件：{path.name}\n隔离时间：{dt.datetime.now():%Y-%m-%d %H:%M:%S}\n原因：{reason}\n"
        "处理：请按数据规范修正后重新放入原目录。\n", encoding="utf-8")
