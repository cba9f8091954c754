"""prefect.yaml deploys against a real, temporary Prefect server: the weekly deployments, Monday
cron in Asia/Shanghai, on a process work pool; the Dask variant with its schedule off."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PREFECT = str(Path(sys.executable).with_name("prefect"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"),
           "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    proc = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("Prefect server did not start")
    yield env
    proc.terminate()
    proc.wait(timeout=30)


def _api(env: dict, path: str, body: dict) -> list[dict]:
    req = urllib.request.Request(env["PREFECT_API_URL"] + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def test_prefect_yaml_deploys(server):
    run = {"env": server, "cwd": ROOT, "capture_output": True, "text": True, "timeout": 300}
    subprocess.run([PREFECT, "work-pool", "create", "xhg", "--type", "process"], check=True, **run)
    out = subprocess.run([PREFECT, "--no-prompt", "deploy", "--all"], **run)
    assert out.returncode == 0, out.stdout + out.stderr
    deployments = {d["name"]: d for d in _api(server, "/deployments/filter", {})}
    assert set(deployments) == {"weekly-ingest", "weekly-screen", "weekly-screen-dask"}
    screen = deployments["weekly-screen"]
    assert screen["work_pool_name"] == "xhg"
    (schedule,) = screen["schedules"]
    assert schedule["schedule"]["cron"] == "0 6 * * 1"
    assert schedule["schedule"]["timezone"] == "Asia/Shanghai"
    assert screen["entrypoint"] == "pipelines/screen.py:screen_flow"
    dask = deployments["weekly-screen-dask"]
    assert dask["entrypoint"] == "pipelines/screen.py:screen_flow"
    assert dask["parameters"]["dask_address"] == "tcp://dask-scheduler:8786"
    assert "dask_shards" in dask["parameter_openapi_schema"]["properties"]  # default: one per worker
    (schedule,) = dask["schedules"]
    assert schedule["schedule"]["cron"] == "0 6 * * 1" and schedule["active"] is False
