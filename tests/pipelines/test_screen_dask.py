"""`xhg screen --dask`: the detectors on a local dask.distributed cluster of two worker
*processes* give the same lead list as the single-process run.

The workers report their task runs to the session's temporary Prefect server (a real HTTP
server on a free port, `prefect_harness`): each task carries the API URL in its settings, so
no worker starts a server of its own.
"""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from detectors import DETECTORS
from pipelines import cluster
from pipelines.cli import main
from pipelines.screen import screen_flow
from sources.warehouse import Warehouse
from tests.conftest import copy_county

AS_OF = dt.date(2026, 11, 30)
LEADS = """select rank, lead_no, site_id, round(risk, 9), level, category, status, first_seen,
                  detectors
           from leads where week = '2026-W49' order by rank"""
EVIDENCE = """select site_id, detector, round(score, 12), period_start, period_end, category_hint,
                     reason, facts
              from evidence order by all"""


def _rows(wh: Warehouse, sql: str) -> list[tuple]:
    con = wh.connect(read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_dask_leads_equal_single_process(prefect_harness, demo_county, county_copy, tmp_path, capsys):
    _, single = county_copy
    distributed = copy_county(demo_county, tmp_path / "dask-wh")
    expected = screen_flow(str(single.path), AS_OF, str(tmp_path / "single"))
    assert expected["leads"] > 0 and not expected["failed_detectors"]

    argv = ["screen", "--warehouse", str(distributed.path), "--out", str(tmp_path / "dask"),
            "--as-of", AS_OF.isoformat(), "--dask", "local:2"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"列出线索 {expected['leads']:,} 条" in out and "运行失败" not in out

    leads = _rows(distributed, LEADS)
    assert [r[:4] for r in leads] == [r[:4] for r in _rows(single, LEADS)]  # rank, number, site, risk
    assert leads == _rows(single, LEADS)
    assert _rows(distributed, EVIDENCE) == _rows(single, EVIDENCE)
    assert _dask_task_states() == ["COMPLETED"] * len(DETECTORS)  # reported by the workers


def _dask_task_states() -> list[str]:
    """States of the task runs of the (one) detector subflow, as the Prefect server has them."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName, FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        (run,) = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=["xhg-screen-detect"])))
        tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id])))
    return [t.state_type.value for t in tasks]


def test_unreachable_scheduler_is_one_chinese_line(monkeypatch, tmp_path, capsys):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 2.0)
    argv = ["screen", "--warehouse", str(tmp_path / "wh.duckdb"), "--dask", f"tcp://127.0.0.1:{port}"]
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):  # past that check
        assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"错误：无法连接 Dask 集群 tcp://127.0.0.1:{port}") and "Traceback" not in err
    assert not (tmp_path / "wh.duckdb").exists()  # nothing was started


def test_addresses():
    assert cluster.parse("tcp://10.0.0.5:8786") == cluster.Cluster("tcp://10.0.0.5:8786")
    assert cluster.parse("10.0.0.5:8786") == cluster.Cluster("tcp://10.0.0.5:8786")
    assert cluster.parse("local:3") == cluster.Cluster(None, 3)
    assert cluster.parse("local").local_workers >= 1
    for bad in ("local:0", "local:x", "10.0.0.5", "集群"):
        with pytest.raises(cluster.ClusterError):
            cluster.parse(bad)


def test_running_cluster_needs_a_prefect_server():
    """Its workers outlive the flow, so not the flow's temporary API (even on this machine)."""
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        for address in ("tcp://10.0.0.5:8786", "tcp://127.0.0.1:8786"):
            with pytest.raises(cluster.ClusterError, match="PREFECT_API_URL"):
                cluster.api_url_for_workers(cluster.parse(address))
    with temporary_settings(updates={PREFECT_API_URL: "http://10.0.0.5:4200/api"}):
        assert cluster.api_url_for_workers(cluster.parse("tcp://10.0.0.5:8786")) is None
