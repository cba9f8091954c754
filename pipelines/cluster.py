"""Where a distributed screening runs: a running Dask scheduler, or a local cluster.

`xhg screen --dask ADDRESS` takes `tcp://host:8786` (a scheduler started with `dask scheduler`,
workers with `dask worker tcp://host:8786`), `local` (a local cluster, one worker process per
core) or `local:N` (N worker processes). `check` fails fast, in Chinese, when the scheduler
cannot be reached or has no workers; `api_url_for_workers` says which Prefect API the Dask
workers report their task runs to (see README, "Screening on a Dask cluster").

Dask and prefect-dask are imported only here and only when a cluster is asked for, so the
default single-process screening does not pay for them.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

CONNECT_TIMEOUT = 10.0  # seconds to reach the scheduler, then to see a worker
_LOCAL = re.compile(r"^local(?::(\d+))?$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$")
_HOST_PORT = re.compile(r"^[\w.-]+:\d+$")


class ClusterError(RuntimeError):
    """The cluster cannot be used; the message is for the analyst (Chinese)."""


@dataclass(frozen=True)
class Cluster:
    """A scheduler `address`, or (address None) a local cluster of `local_workers` processes."""

    address: str | None
    local_workers: int = 0


def parse(address: str) -> Cluster:
    """`tcp://host:port`, `host:port`, `local` or `local:N`."""
    text = address.strip()
    if m := _LOCAL.match(text):
        n = int(m.group(1)) if m.group(1) else (os.cpu_count() or 1)
        if n < 1:
            raise ClusterError(f"Dask 地址 {address}：worker 数至少为 1")
        return Cluster(None, n)
    if _HOST_PORT.match(text):
        return Cluster("tcp://" + text)
    if _URL.match(text):
        return Cluster(text)
    raise ClusterError(f"无法识别的 Dask 地址 {address!r}：应为 tcp://主机:端口（如 tcp://10.0.0.5:8786）、"
                       "local 或 local:N")


def check(cluster: Cluster, timeout: float | None = None) -> int:
    """Raise ClusterError unless the scheduler answers and has at least one worker; return
    the number of workers (a local cluster's that it will start)."""
    if cluster.address is None:
        return cluster.local_workers
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    try:  # in a thread of its own: the caller may be running an event loop (a flow)
        with ThreadPoolExecutor(1) as pool:
            workers = pool.submit(asyncio.run, _count_workers(cluster.address, timeout)).result()
    except Exception as e:  # refused, timed out, or something else answering on that port
        raise ClusterError(
            f"无法连接 Dask 集群 {cluster.address}（{type(e).__name__}）。请确认调度器已启动"
            "（dask scheduler）、地址和端口正确、本机能访问该端口。") from None
    if not workers:
        raise ClusterError(f"已连接 Dask 调度器 {cluster.address}，但 {timeout:.0f} 秒内没有可用的 worker："
                           f"请在计算节点上启动 dask worker {cluster.address}")
    return workers


async def _count_workers(address: str, timeout: float) -> int:
    """Workers the scheduler knows, waiting up to `timeout` for the first one."""
    from distributed.core import rpc

    async def count() -> int:
        async with rpc(address, timeout=timeout) as scheduler:
            deadline = asyncio.get_running_loop().time() + timeout
            while True:
                workers = len((await scheduler.identity())["workers"])
                if workers or asyncio.get_running_loop().time() > deadline:
                    return workers
                await asyncio.sleep(0.5)

    return await asyncio.wait_for(count(), 3 * timeout)


def api_url_for_workers(cluster: Cluster) -> str | None:
    """The Prefect API the workers should report to, when it is not already configured.

    With PREFECT_API_URL set, every task carries it to its worker (None: nothing to add).
    Without it, this process runs a temporary API on 127.0.0.1 that lives as long as the flow:
    the workers of a local cluster (started and stopped by the flow) use it, else each worker
    process would start a temporary server of its own. The workers of a running cluster
    outlive the flow (their Prefect clients would keep calling a server that is gone), so a
    running cluster needs a real server, even on this machine.
    """
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return None
    if cluster.address is not None:
        raise ClusterError(
            f"使用 Dask 集群 {cluster.address} 时须先启动 Prefect 服务器（prefect server start），"
            "并把 PREFECT_API_URL 设为各计算节点都能访问的地址（如 http://10.0.0.5:4200/api）。")
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return str(client.api_url)


@contextmanager
def running(cluster: Cluster) -> Iterator[str]:
    """The scheduler address for the run: a running cluster's, or that of a local cluster of
    process workers started here and stopped on exit (one cluster for all the run's subflows,
    so its workers start once)."""
    if cluster.address:
        yield cluster.address
        return
    from distributed import LocalCluster

    with LocalCluster(n_workers=cluster.local_workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as local:
        yield local.scheduler_address


def task_runner(address: str):
    """Prefect's DaskTaskRunner on the scheduler at `address`."""
    from prefect_dask import DaskTaskRunner

    return DaskTaskRunner(address=address)
