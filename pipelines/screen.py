"""The weekly screening flow: sites → detectors (one task each) → scores → ranked lead list.

With `dask_address` the work goes to a Dask cluster (`_screen_distributed`): the stays by
plate shard (`stays_on_dask`), the detectors by site shard or whole (`detect_on_dask`; which
and why: `pipelines.shards`). Whenever workers read, the flow has closed its read-write
connection (DuckDB lets no other process open a file one holds read-write); the workers
open the warehouse read-only and send stays or evidence back; the flow writes the stays,
builds places and sites, and scores as always.

Progress goes to the logger `xhg.screen` (stage by stage, each detector with its seconds and
rows: a province run takes a quarter of an hour); `xhg screen` shows it on stderr.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from types import ModuleType

import duckdb
import pyarrow as pa
from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from detectors import DETECTORS, tip_match, tou
from detectors.base import EVIDENCE, load_overrides, with_overrides
from pipelines import cluster as clusters
from pipelines import shards
from reports import lead_rows, write_lead_list
from scoring import assign_leads, score_sites
from scoring.leads import iso_week
from sites import (
    StayParams,
    attach_tips,
    build_places,
    conflicted_plates,
    detect_stays,
    resolve_sites,
    stays_of_plates,
    write_stays,
)
from sources.warehouse import Warehouse

log = logging.getLogger("xhg.screen")

def default_as_of(con) -> dt.date:
    """The day after the newest reading or GPS point: what 'this week' means for the data. An
    interval reading stamped at midnight belongs to the day before: meters that stamp the end
    of each interval (00:15 … 24:00) write the last of a day as 00:00 of the next."""
    (latest,) = con.execute("""select greatest(
        (select max(day) from power_readings_daily),
        (select (max(ts) - interval 1 second)::date from power_readings_interval),
        (select max(ts)::date from vehicle_tracks))""").fetchone()
    return latest + dt.timedelta(days=1) if latest else dt.date.today()


def _warn_conflicted_plates(con) -> None:
    """One line per plate found on two vehicles at once (sites/stays.py, step 5)."""
    for plate, stays, first, last in conflicted_plates(con):
        log.warning("车牌 %s 在 %s 至 %s 间多次同时出现在相距数公里的两处（相邻定位点间的移动超出车辆可能的"
                    "速度），疑似套牌或两台设备共用车牌：其 %d 次停靠无法分清属于哪辆车，不参与研判，"
                    "请交通运输部门核查", plate, first, last, stays)


@task(name="build-sites", cache_policy=NO_CACHE)
def build_sites(con, as_of: dt.date) -> int:
    detect_stays(con)
    _warn_conflicted_plates(con)
    build_places(con)
    return resolve_sites(con, as_of)


@task(name="valley-hours", cache_policy=NO_CACHE)
def record_valley_hours(con, as_of: dt.date, overrides: dict) -> tou.Valley:
    """Which clock hours the 谷 tariff covers, read off the data before the power detectors
    run (detectors/tou.py; `[tou]` in the config file overrides its parameters)."""
    valley = tou.record(con, as_of, with_overrides(tou.Params(), overrides.get("tou", {})))
    log.info("%s", valley.describe())
    return valley


@task(name="detect", cache_policy=NO_CACHE)
def run_detector(con, module: ModuleType, as_of: dt.date, overrides: dict) -> pa.Table:
    params = with_overrides(module.Params(), overrides.get(module.NAME, {}))
    return module.detect(con, as_of, params)


@contextmanager
def _read_only(warehouse: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse opened read-only on a Dask worker, spilling to the worker's own temp space
    (the warehouse's .tmp folder is shared by all workers); closed after the task."""
    con = Warehouse(Path(warehouse)).connect(read_only=True)
    spill = tempfile.mkdtemp(prefix="xhg-duckdb-")
    try:
        con.execute("set temp_directory = $t", {"t": spill})
        yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


@task(name="stays-read-only", cache_policy=NO_CACHE)
def find_stays_read_only(warehouse: str, shard: int, n_shards: int) -> pa.Table:
    """The stays of one plate shard (hash(plate) % n_shards = shard), found on a Dask worker."""
    with _read_only(warehouse) as con:
        return stays_of_plates(con, StayParams(), shard, n_shards)


@task(name="detect-read-only", cache_policy=NO_CACHE)
def run_detector_read_only(warehouse: str, name: str, as_of: dt.date, overrides: dict,
                           shard: int | None = None) -> pa.Table:
    """One detector on a Dask worker: its own read-only connection, evidence sent back; with
    `shard`, on that shard's sites only (`pipelines.shards.restrict_to_shard`)."""
    (module,) = (m for m in DETECTORS if m.NAME == name)
    with _read_only(warehouse) as con:
        if shard is not None:
            shards.restrict_to_shard(con, shard)
        return run_detector.fn(con, module, as_of, overrides)


@flow(name="xhg-screen-stays")
def stays_on_dask(warehouse: str, n_shards: int) -> pa.Table:
    """The stays of every plate: one task per plate shard, concatenated."""
    futures = [find_stays_read_only.with_options(name=f"stays-plates-{k}of{n_shards}").submit(
        warehouse, k, n_shards) for k in range(n_shards)]
    return pa.concat_tables([f.result() for f in futures])


@task(name="build-sites-from-stays", cache_policy=NO_CACHE)
def build_sites_from_stays(con, stays: pa.Table, as_of: dt.date, n_shards: int) -> int:
    """`build_sites` with the stays already found (by plate shard); then the site shards."""
    write_stays(con, stays)
    _warn_conflicted_plates(con)
    build_places(con)
    n_sites = resolve_sites(con, as_of)
    shards.assign_site_shards(con, n_shards)
    return n_sites


@flow(name="xhg-screen-detect")
def detect_on_dask(warehouse: str, as_of: dt.date, overrides: dict,
                   n_shards: int = 1) -> tuple[list[pa.Table], list[str]]:
    """Every detector as tasks on the flow's task runner (a DaskTaskRunner): those of
    `shards.BY_SITE` one task per site shard, the others one task each. Returns the evidence
    in DETECTORS order (a detector's shards concatenated) and the names of those that failed
    (in any shard: a detector's partial evidence is dropped, as a failed detector's)."""
    t = time.perf_counter()
    futures = [(m.NAME, _submit_detector(warehouse, m.NAME, as_of, overrides, n_shards))
               for m in DETECTORS]
    parts, failed = [], []
    for k, (name, shard_futures) in enumerate(futures, 1):
        try:
            parts.append(pa.concat_tables([f.result() for f in shard_futures]))
            _log_detector(k, name, parts[-1], f"开始后 {time.perf_counter() - t:.1f} 秒已完成")
        except Exception:  # a task failed, or its worker died: reported like a failed detector
            failed.append(name)
            _log_detector(k, name, None)
    return parts, failed


def _log_detector(k: int, name: str, evidence: pa.Table | None, when: str = "") -> None:
    """One progress line per detector, in one process or on a cluster: its rows, or its failure."""
    if evidence is None:
        log.warning("检测器 %d/%d %s 运行失败，结果中缺少其证据", k, len(DETECTORS), name)
    else:
        log.info("检测器 %d/%d %s：证据 %s 条（%s）", k, len(DETECTORS), name, f"{evidence.num_rows:,}", when)


def _submit_detector(warehouse: str, name: str, as_of: dt.date, overrides: dict, n_shards: int) -> list:
    """One task, or one per site shard for a detector of `shards.BY_SITE`: their futures."""
    if name not in shards.BY_SITE or n_shards == 1:
        return [run_detector_read_only.with_options(name=f"detect-{name}").submit(
            warehouse, name, as_of, overrides)]
    return [run_detector_read_only.with_options(name=f"detect-{name}-sites-{k}of{n_shards}").submit(
        warehouse, name, as_of, overrides, k) for k in range(n_shards)]


def _screen_distributed(wh: Warehouse, cluster: clusters.Cluster, api_url: str | None,
                        as_of: dt.date, overrides: dict,
                        n_shards: int) -> tuple[int, list[pa.Table], list[str]]:
    """Stays by plate shard on the cluster; places, resolution and site shards in this process
    (read-write); detectors on the cluster. The warehouse is closed here whenever workers
    read it (DuckDB lets no process open a file another holds read-write)."""
    # workers see the flow's Prefect API through the settings each task carries
    from prefect.settings import PREFECT_API_URL, temporary_settings

    path = str(wh.path.resolve())
    settings = temporary_settings(updates={PREFECT_API_URL: api_url}) if api_url else nullcontext()
    with settings, clusters.running(cluster) as address:
        t = time.perf_counter()
        stays = stays_on_dask.with_options(task_runner=clusters.task_runner(address))(path, n_shards)
        log.info("车辆停靠 %s 次（按车牌 %d 片，%.1f 秒）；聚合地点、归并场所…", f"{stays.num_rows:,}",
                 n_shards, time.perf_counter() - t)
        t = time.perf_counter()
        con = wh.connect()
        try:
            n_sites = build_sites_from_stays(con, stays, as_of, n_shards)
            record_valley_hours(con, as_of, overrides)
        finally:
            con.close()
        log.info("场所 %s 处（%.1f 秒）；检测器在集群上运行…", f"{n_sites:,}", time.perf_counter() - t)
        parts, failed = detect_on_dask.with_options(task_runner=clusters.task_runner(address))(
            path, as_of, overrides, n_shards)
    return n_sites, parts, failed


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
                config: str | None = None, dask_address: str | None = None,
                dask_shards: int | None = None) -> dict:
    """Run the weekly screening on the warehouse; write leads-<week>.xlsx/.csv.

    `dask_address` (tcp://host:8786, local, local:N): find the stays and run the detectors on
    that Dask cluster, split into `dask_shards` plate and site shards (default: one per
    worker; see `pipelines.shards`).
    """
    cluster = api_url = None
    if dask_address:  # fail before the sites are built, not after
        cluster = clusters.parse(dask_address)
        api_url = clusters.api_url_for_workers(cluster)
        n_shards = max(dask_shards or clusters.check(cluster), 1)
    wh = Warehouse(Path(warehouse))
    con = wh.connect()
    try:
        as_of = as_of or default_as_of(con)
        overrides = load_overrides(Path(config) if config else None)
        parts, failed = [], []
        if cluster is None:
            t = time.perf_counter()
            log.info("筛查截至 %s：识别车辆停靠、聚合地点、归并场所…", as_of)
            n_sites = build_sites(con, as_of)
            log.info("场所 %s 处（%.1f 秒）", f"{n_sites:,}", time.perf_counter() - t)
            record_valley_hours(con, as_of, overrides)
            for k, module in enumerate(DETECTORS, 1):
                t = time.perf_counter()
                state = run_detector.with_options(name=f"detect-{module.NAME}")(
                    con, module, as_of, overrides, return_state=True)
                if state.is_completed():
                    parts.append(state.result())
                    _log_detector(k, module.NAME, parts[-1], f"{time.perf_counter() - t:.1f} 秒")
                else:
                    failed.append(module.NAME)
                    _log_detector(k, module.NAME, None)
        else:
            con.close()  # the workers open the file read-only, which a read-write holder forbids
            log.info("筛查截至 %s：在 Dask 集群 %s 上分 %d 片运行…", as_of, dask_address, n_shards)
            n_sites, parts, failed = _screen_distributed(wh, cluster, api_url, as_of, overrides, n_shards)
            con = wh.connect()
        t = time.perf_counter()
        evidence = pa.concat_tables(parts) if parts else EVIDENCE.empty_table()
        n_leads = score_and_rank(con, evidence, as_of, overrides)
        week = iso_week(as_of)
        rows = lead_rows(con, week)
        xlsx, csv_path = write_lead_list(rows, week, Path(out_dir), as_of)
        log.info("评分排名、写出线索清单：线索 %s 条（%.1f 秒）", f"{n_leads:,}", time.perf_counter() - t)
    finally:
        con.close()
    _publish(rows, week)
    return {"as_of": as_of, "week": week, "sites": n_sites, "evidence": evidence.num_rows,
            "leads": n_leads, "xlsx": str(xlsx), "csv": str(csv_path), "failed_detectors": failed,
            "shards": n_shards if cluster else 1, "top": rows.slice(0, 20).to_pylist()}


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
