"""The weekly screening flow: sites → detectors (one task each) → scores → ranked lead list.

With `dask_address` the detectors run on a Dask cluster instead (`detect_on_dask`): the flow
builds the sites, closes its read-write connection (DuckDB lets no other process open the
file while one holds it read-write), the workers open the warehouse read-only, one task per
detector, and send their evidence back; the flow reopens the file and scores as before.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from contextlib import nullcontext
from pathlib import Path
from types import ModuleType

import pyarrow as pa
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from detectors import DETECTORS, tip_match
from detectors.base import EVIDENCE, load_overrides, with_overrides
from pipelines import cluster as clusters
from reports import lead_rows, write_lead_list
from scoring import assign_leads, score_sites
from scoring.leads import iso_week
from sites import attach_tips, build_places, detect_stays, resolve_sites
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


@task(name="detect-read-only", cache_policy=NO_CACHE)
def run_detector_read_only(warehouse: str, name: str, as_of: dt.date, overrides: dict) -> pa.Table:
    """One detector on a Dask worker: its own read-only connection, evidence sent back."""
    (module,) = (m for m in DETECTORS if m.NAME == name)
    con = Warehouse(Path(warehouse)).connect(read_only=True)
    # spill to this machine's temp space: the warehouse's .tmp folder is shared by all workers
    spill = tempfile.mkdtemp(prefix="xhg-duckdb-")
    try:
        con.execute("set temp_directory = $t", {"t": spill})
        return run_detector.fn(con, module, as_of, overrides)
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


@flow(name="xhg-screen-detect")
def detect_on_dask(warehouse: str, as_of: dt.date, overrides: dict) -> tuple[list[pa.Table], list[str]]:
    """Every detector as a task on the flow's task runner (a DaskTaskRunner): the evidence in
    DETECTORS order, and the names of those that failed."""
    futures = [(m.NAME, run_detector_read_only.with_options(name=f"detect-{m.NAME}").submit(
        warehouse, m.NAME, as_of, overrides)) for m in DETECTORS]
    parts, failed = [], []
    for name, future in futures:
        try:
            parts.append(future.result())
        except Exception:  # the task failed, or its worker died: reported like a failed detector
            failed.append(name)
    return parts, failed


def _detect_distributed(wh: Warehouse, cluster: clusters.Cluster, api_url: str | None,
                        as_of: dt.date, overrides: dict) -> tuple[list[pa.Table], list[str]]:
    # workers see the flow's Prefect API through the settings each task carries
    from prefect.settings import PREFECT_API_URL, temporary_settings

    settings = temporary_settings(updates={PREFECT_API_URL: api_url}) if api_url else nullcontext()
    with settings:
        runner = clusters.task_runner(cluster)
        return detect_on_dask.with_options(task_runner=runner)(str(wh.path.resolve()), as_of, overrides)


@task(name="score-and-rank", cache_policy=NO_CACHE)
def score_and_rank(con, evidence: pa.Table, as_of: dt.date, overrides: dict | None = None) -> int:
    _put_evidence(con, evidence, replace=True)
    score_sites(con)
    if attach_tips(con, as_of):  # vague tips joined the sites the data points at: re-score them
        con.execute("delete from evidence where detector = $d", {"d": tip_match.NAME})
        _put_evidence(con, run_detector.fn(con, tip_match, as_of, overrides or {}), replace=False)
        score_sites(con)
    con.execute("create table if not exists evidence_history as "
                "select cast(null as date) as as_of, * from evidence where false")
    con.execute("delete from evidence_history where as_of = $d", {"d": as_of})
    con.execute("insert into evidence_history select $d, * from evidence", {"d": as_of})
    return assign_leads(con, as_of)


def _put_evidence(con, evidence: pa.Table, replace: bool) -> None:
    con.register("_evidence_arrow", evidence)
    if replace:
        con.execute("create or replace table evidence as select * from _evidence_arrow")
    else:
        con.execute("insert into evidence select * from _evidence_arrow")
    con.unregister("_evidence_arrow")


@flow(name="xhg-screen")
def screen_flow(warehouse: str, as_of: dt.date | None = None, out_dir: str = "reports/out",
                config: str | None = None, dask_address: str | None = None) -> dict:
    """Run the weekly screening on the warehouse; write leads-<week>.xlsx/.csv.

    `dask_address` (tcp://host:8786, local, local:N): run the detectors on that Dask cluster.
    """
    cluster = api_url = None
    if dask_address:  # fail before the sites are built, not after
        cluster = clusters.parse(dask_address)
        api_url = clusters.api_url_for_workers(cluster)
        clusters.check(cluster)
    wh = Warehouse(Path(warehouse))
    con = wh.connect()
    try:
        as_of = as_of or default_as_of(con)
        overrides = load_overrides(Path(config) if config else None)
        n_sites = build_sites(con, as_of)
        parts, failed = [], []
        if cluster is None:
            for module in DETECTORS:
                state = run_detector.with_options(name=f"detect-{module.NAME}")(
                    con, module, as_of, overrides, return_state=True)
                if state.is_completed():
                    parts.append(state.result())
                else:
                    failed.append(module.NAME)
        else:
            con.close()  # the workers open the file read-only, which a read-write holder forbids
            parts, failed = _detect_distributed(wh, cluster, api_url, as_of, overrides)
            con = wh.connect()
        evidence = pa.concat_tables(parts) if parts else EVIDENCE.empty_table()
        n_leads = score_and_rank(con, evidence, as_of, overrides)
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
