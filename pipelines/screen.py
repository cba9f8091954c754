"""The weekly screening flow: sites → detectors (one task each) → scores → ranked lead list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import ModuleType

import pyarrow as pa
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from detectors import DETECTORS
from detectors.base import EVIDENCE, load_overrides, with_overrides
from reports import lead_rows, write_lead_list
from scoring import assign_leads, score_sites
from scoring.leads import iso_week
from sites import build_places, detect_stays, resolve_sites
from sources.warehouse import Warehouse


def default_as_of(con) -> dt.date:
    """The day after the newest reading or GPS point: what 'this week' means for the data."""
    (latest,) = con.execute("""select greatest(
        (select max(day) from power_readings_daily),
        (select max(ts)::date from power_readings_interval),
        (select max(ts)::date from vehicle_tracks))""").fetchone()
    return latest + dt.timedelta(days=1) if latest else dt.date.today()


@task(name="build-sites", cache_policy=NO_CACHE)
def build_sites(con, as_of: dt.date) -> int:
    detect_stays(con)
    build_places(con)
    return resolve_sites(con, as_of)


@task(name="detect", cache_policy=NO_CACHE)
def run_detector(con, module: ModuleType, as_of: dt.date, overrides: dict) -> pa.Table:
    params = with_overrides(module.Params(), overrides.get(module.NAME, {}))
    return module.detect(con, as_of, params)


@task(name="score-and-rank", cache_policy=NO_CACHE)
def score_and_rank(con, evidence: pa.Table, as_of: dt.date) -> int:
    con.register("_evidence_arrow", evidence)
    con.execute("create or replace table evidence as select * from _evidence_arrow")
    con.execute("create table if not exists evidence_history as "
                "select cast(null as date) as as_of, * from evidence where false")
    con.execute("delete from evidence_history where as_of = $d", {"d": as_of})
    con.execute("insert into evidence_history select $d, * from evidence", {"d": as_of})
    con.unregister("_evidence_arrow")
    score_sites(con)
    return assign_leads(con, as_of)


@flow(name="xhg-screen")
def screen_flow(warehouse: str, as_of: dt.date | None = None, out_dir: str = "reports/out",
                config: str | None = None) -> dict:
    """Run the weekly screening on the warehouse; write leads-<week>.xlsx/.csv."""
    con = Warehouse(Path(warehouse)).connect()
    try:
        as_of = as_of or default_as_of(con)
        overrides = load_overrides(Path(config) if config else None)
        n_sites = build_sites(con, as_of)
        parts, failed = [], []
        for module in DETECTORS:
            state = run_detector.with_options(name=f"detect-{module.NAME}")(
                con, module, as_of, overrides, return_state=True)
            if state.is_completed():
                parts.append(state.result())
            else:
                failed.append(module.NAME)
        evidence = pa.concat_tables(parts) if parts else EVIDENCE.empty_table()
        n_leads = score_and_rank(con, evidence, as_of)
        week = iso_week(as_of)
        rows = lead_rows(con, week)
        xlsx, csv_path = write_lead_list(rows, week, Path(out_dir), as_of)
    finally:
        con.close()
    _publish(rows, week)
    return {"as_of": as_of, "week": week, "sites": n_sites, "evidence": evidence.num_rows,
            "leads": n_leads, "xlsx": str(xlsx), "csv": str(csv_path), "failed_detectors": failed,
            "top": rows.slice(0, 20).to_pylist()}


def _publish(rows: pa.Table, week: str) -> None:
    top = rows.slice(0, 20).select(["排名", "线索编号", "风险分", "风险等级", "疑似整治类别", "场所名称",
                                    "所属乡镇", "状态", "主要线索"]).to_pylist()
    create_table_artifact(top, key="xhg-top-leads", description=f"{week} 排名前 20 的线索")
    lines = [f"# {week} 排查线索：{rows.num_rows} 条", ""]
    for column in ("疑似整治类别", "所属乡镇", "状态", "风险等级"):
        counts: dict[str, int] = {}
        for v in rows[column].to_pylist():
            counts[v or "不明"] = counts.get(v or "不明", 0) + 1
        lines.append(f"**{column}**：" + "，".join(f"{k} {v}" for k, v in sorted(counts.items())))
        lines.append("")
    create_markdown_artifact("\n".join(lines), key="xhg-screen-summary", description=f"{week} 汇总")
