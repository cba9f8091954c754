"""`xhg screen --dask`: on a local dask.distributed cluster of two worker *processes*, split
into two plate shards (stays) and two area shards (the per-site detectors), a warehouse of two
counties gives the same lead list as the single-process run.

The warehouse: the demo county, and a second small county generated on the same frame moved
one county block east (as the province generator moves its blocks), with its own 户号 range.
Its tips and waybills are left out: the generator numbers them from 1 in every county
(JB2026…, YD<day>…), so they would replace the first county's on ingest.

The workers report their task runs to the session's temporary Prefect server (a real HTTP
server on a free port, `prefect_harness`): each task carries the API URL in its settings, so
no worker starts a server of its own.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import socket

import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings

from detectors import DETECTORS
from pipelines import cluster, shards
from pipelines.cli import main
from pipelines.screen import screen_flow
from sources.warehouse import Warehouse
from tests.conftest import copy_county

AS_OF = dt.date(2026, 11, 30)
LEADS = """select rank, lead_no, site_id, round(risk, 9), level, category, status, first_seen,
                  detectors, clues
           from leads where week = '2026-W49' order by rank"""
EVIDENCE = """select site_id, detector, round(score, 12), period_start, period_end, category_hint,
                     reason, facts
              from evidence order by all"""
STAYS = "select * from truck_stays order by stay_id"
# Some detectors list the words a name holds (「合作社、养殖」) in no fixed order (string_agg
# over unnest without an order), and peer_outlier its z-scores in a JSON object of no fixed
# key order, also between two single-process runs: word lists compared as sets, JSON as data.
_WORD_LIST = re.compile(r"「([^」]*)」")


def _rows(wh: Warehouse, sql: str) -> list[tuple]:
    con = wh.connect(read_only=True)
    try:
        return [tuple(_words_sorted(v) for v in r) for r in con.execute(sql).fetchall()]
    finally:
        con.close()


def _words_sorted(value):
    if not isinstance(value, str):
        return value
    if value.startswith("{"):
        return json.dumps(json.loads(value), sort_keys=True, ensure_ascii=False)
    return _WORD_LIST.sub(lambda m: "「" + "、".join(sorted(m.group(1).split("、"))) + "」", value)


@pytest.fixture(scope="module")
def two_counties(demo_county, tmp_path_factory):
    """The demo county plus a second one a block east, as ingested (a pristine copy)."""
    import data.generator as generator
    from data.generator import population, province
    from pipelines.ingest import list_new_files
    from sources.load import ingest_file

    root = tmp_path_factory.mktemp("two_counties")
    wh = copy_county(demo_county, root / "pristine")
    build_world, new_account_no = generator.build_world, population.County.new_account_no

    def second_account_no(county):  # the second county's 户号 from 0361000000 on
        county._next_acct = max(county._next_acct, 1_000_000)
        return new_account_no(county)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(generator, "build_world", lambda rng: province.shifted(build_world(rng), 1))
        mp.setattr(population.County, "new_account_no", second_account_no)
        generator.generate(root / "east", scale="small", seed=6, progress=lambda _: None)
    inbox = root / "east" / "inbox"
    for folder in ("tips", "waybills"):
        shutil.rmtree(inbox / folder)
    con = wh.connect()
    try:
        for path in list_new_files(inbox, set())[0]:
            ingest_file(wh, con, path, inbox)
    finally:
        con.close()
    return wh


def test_dask_shards_give_the_single_process_leads(prefect_harness, two_counties, tmp_path, capsys):
    single = _copy(two_counties, tmp_path / "single")
    distributed = _copy(two_counties, tmp_path / "dask")
    # two counties: 户号 of both ranges, and the second's points all east of the first's centre
    assert _rows(single, "select left(account_no, 4), count(*) > 1000, bool_and(lon > 111.3) "
                         "from power_accounts group by all order by all") == [("0358", True, False),
                                                                              ("0361", True, True)]
    expected = screen_flow(str(single.path), AS_OF, str(tmp_path / "single"))
    assert expected["leads"] > 0 and not expected["failed_detectors"]

    argv = ["screen", "--warehouse", str(distributed.path), "--out", str(tmp_path / "dask"),
            "--as-of", AS_OF.isoformat(), "--dask", "local:2"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert f"列出线索 {expected['leads']:,} 条" in captured.out and "运行失败" not in captured.out
    assert "在 Dask 集群 local:2 上分 2 片运行" in captured.err  # progress, on stderr: each stage
    assert "（按车牌 2 片，" in captured.err and f"场所 {expected['sites']:,} 处" in captured.err
    assert f"检测器 {len(DETECTORS)}/{len(DETECTORS)} {DETECTORS[-1].NAME}：证据" in captured.err

    leads = _rows(distributed, LEADS)
    assert [r[:4] for r in leads] == [r[:4] for r in _rows(single, LEADS)]  # rank, number, site, risk
    assert leads == _rows(single, LEADS)  # … and level, category, status, detectors, reasons
    assert _rows(distributed, EVIDENCE) == _rows(single, EVIDENCE)
    assert _rows(distributed, STAYS) == _rows(single, STAYS)

    # really sharded: two area shards of sites, two plate shards, every task reported done
    per_shard = dict(_rows(distributed, "select shard, count(*) from site_shards group by shard"))
    assert sorted(per_shard) == [0, 1] and min(per_shard.values()) > 0
    stays = _task_runs("xhg-screen-stays")
    assert sorted(stays) == ["stays-plates-0of2", "stays-plates-1of2"]
    detect = _task_runs("xhg-screen-detect")
    assert sorted(detect) == sorted(
        [f"detect-{name}-sites-{k}of2" for name in shards.BY_SITE for k in (0, 1)]
        + [f"detect-{name}" for name in shards.WHOLE])
    assert set(stays.values()) == set(detect.values()) == {"COMPLETED"}


def test_every_detector_is_split_or_whole():
    assert sorted(shards.BY_SITE + tuple(shards.WHOLE)) == sorted(m.NAME for m in DETECTORS)


def _copy(pristine: Warehouse, where) -> Warehouse:
    copy = Warehouse(where / "warehouse.duckdb")
    copy.path.parent.mkdir(parents=True)
    shutil.copyfile(pristine.path, copy.path)
    shutil.copytree(pristine.lake, copy.lake)
    return copy


def _task_runs(flow_name: str) -> dict[str, str]:
    """Task run names (the Prefect suffix cut off) and states of the (one) run of a subflow, as
    the Prefect server has them: reported by the workers."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName, FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        (run,) = client.read_flow_runs(flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])))
        tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id])))
    return {t.name.rsplit("-", 1)[0]: t.state_type.value for t in tasks}


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
