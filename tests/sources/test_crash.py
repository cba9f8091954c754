"""A load killed mid-file leaves no partial rows, and the next run loads the file cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sources.warehouse import Warehouse

ROWS = 1_500_000
LOADER = """
import sys
from pathlib import Path
from sources.load import ingest_file
from sources.warehouse import Warehouse
wh = Warehouse(Path(sys.argv[1]))
con = wh.connect()
ingest_file(wh, con, Path(sys.argv[2]), Path(sys.argv[3]))
"""


def _big_readings(path: Path) -> None:
    import duckdb

    path.parent.mkdir(parents=True)
    duckdb.connect().execute(f"""copy (select lpad((i % 5000)::varchar, 8, '0') as 户号,
        (date '2024-01-01' + (i // 5000)::int)::varchar as 日期, (i % 97)::varchar as 总电量
        from range({ROWS}) t(i)) to '{path}' (header)""")


def test_killed_load_leaves_nothing_and_reloads(tmp_path):
    inbox = tmp_path / "inbox"
    path = inbox / "power_readings" / "big.csv"
    _big_readings(path)
    wh = Warehouse(tmp_path / "wh" / "warehouse.duckdb")
    wh.connect().close()
    proc = subprocess.Popen([sys.executable, "-c", LOADER, str(wh.path), str(path), str(inbox)])
    deadline = time.time() + 60
    # mid-file: the raw file is archived (first step of a load) and nothing is committed yet
    while time.time() < deadline and not list(wh.archive.rglob("*.csv")):
        time.sleep(0.005)
    staged = bool(list(wh.archive.rglob("*.csv")))
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL and staged, "the loader was not caught mid-file"
    con = wh.connect()
    assert con.execute("select count(*) from load_manifest").fetchone()[0] == 0
    assert con.execute("select count(*) from power_readings_daily").fetchone()[0] == 0
    con.close()

    wh.clean_tmp()
    con = wh.connect()
    from sources.load import ingest_file
    from sources.write import prune_lake

    prune_lake(con, wh)
    report = ingest_file(wh, con, path, inbox)
    assert (report.rows_read, report.loaded, report.rejected) == (ROWS, ROWS, 0)
    assert con.execute("select count(*) from power_readings_daily").fetchone()[0] == ROWS
