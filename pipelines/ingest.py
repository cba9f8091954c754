"""The ingest flow: every new file under INBOX/<source>/ into the warehouse, one task a file."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from sources import FOLDERS
from sources.load import FileReport, ingest_file
from sources.warehouse import Warehouse
from sources.write import prune_lake

QUARANTINE = "_quarantine"


def list_new_files(inbox: Path, seen: set[tuple[str, int, float]]) -> tuple[list[Path], int]:
    """Files to load, in folder order then oldest first; and how many were seen unchanged."""
    out, skipped = [], 0
    for folder in FOLDERS:
        files = [p for p in (inbox / folder).rglob("*") if p.is_file() and not p.name.startswith((".", "~$"))]
        for p in sorted(files, key=lambda p: (p.stat().st_mtime, p.name)):
            st = p.stat()
            if (str(p.relative_to(inbox)), st.st_size, st.st_mtime) in seen:
                skipped += 1
            else:
                out.append(p)
    return out, skipped


def unknown_folders(inbox: Path) -> list[str]:
    return sorted(p.name for p in inbox.iterdir()
                  if p.is_dir() and p.name not in FOLDERS and p.name != QUARANTINE)


@task(name="load-file", cache_policy=NO_CACHE)
def load_file(wh: Warehouse, con, path: Path, inbox: Path) -> FileReport:
    return ingest_file(wh, con, path, inbox)


def emit(report: FileReport, report_format: str) -> None:
    """One line per file as it is done: Chinese text for people, JSON for scripts."""
    if report_format == "json":
        print(json.dumps(report.as_dict(), ensure_ascii=False), flush=True)
    elif report_format == "text":
        print(report.line_zh(), flush=True)


@flow(name="xhg-ingest", log_prints=False)
def ingest_flow(inbox: str, warehouse: str, out_dir: str = "reports/out",
                report_format: str = "text") -> list[dict]:
    """Load every new file of the inbox; write a rejects list for the clerks; return reports.

    report_format: "text" (a Chinese line per file), "json" (one object per file) or "none".
    """
    inbox_path, wh = Path(inbox), Warehouse(Path(warehouse))
    wh.clean_tmp()
    con = wh.connect()
    try:
        prune_lake(con, wh)
        seen = {(f, s, m) for f, s, m in con.execute(
            "select file, size_bytes, mtime from load_manifest where status <> 'quarantined'"
        ).fetchall()}
        files, skipped = list_new_files(inbox_path, seen)
        if skipped and report_format == "text":
            print(f"另有 {skipped} 个文件此前已处理过且未改动，跳过。", flush=True)
        first_id = con.execute("select coalesce(max(load_id), 0) from load_manifest").fetchone()[0]
        reports = []
        for path in files:
            report = load_file(wh, con, path, inbox_path)
            reports.append(report)
            emit(report, report_format)
        prune_lake(con, wh)
        rejects_csv = _write_rejects(con, first_id, Path(out_dir))
    finally:
        con.close()
    _publish(reports, rejects_csv)
    return [r.as_dict() for r in reports]


def _write_rejects(con, after_load_id: int, out_dir: Path) -> Path | None:
    """The rows this run refused or cleared, for the offices to correct (UTF-8 BOM, Excel)."""
    rows = con.execute("""
        select r.file, r.row_no, r.column_name, r.value, r.reason, r.action
        from load_rejects r
        where r.load_id > $after order by r.load_id, r.row_no""", {"after": after_load_id}).fetchall()
    if not rows:
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"拒收明细-{dt.datetime.now():%Y%m%d-%H%M%S}.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["文件", "行号", "列", "原值", "原因", "处理"])
        w.writerows(rows)
    return path


def _publish(reports: list[FileReport], rejects_csv: Path | None) -> None:
    lines = ["| 文件 | 数据 | 读取 | 入库 | 覆盖 | 拒收 | 状态 |", "|---|---|---:|---:|---:|---:|---|"]
    lines += [f"| {r.file} | {r.source} | {r.rows_read:,} | {r.loaded:,} | {r.updated:,} | "
              f"{r.rejected:,} | {r.status} {r.reason} |" for r in reports]
    if rejects_csv:
        lines.append(f"\n拒收明细：`{rejects_csv}`")
    create_markdown_artifact("\n".join(lines), key="xhg-ingest", description="本次入库情况")


__all__ = ["ingest_flow", "list_new_files", "unknown_folders"]
