"""Ingest throughput and memory: Parquet and CSV readings drops (run by `make bench`).

Each case writes a readings drop with DuckDB (60k accounts × days), then loads it in a fresh
subprocess through `sources.load.ingest_file`, measuring wall time and peak RSS.
Set XHG_BENCH_ROWS to change the size (default 10 million; the 4 GB target is for 100M).
The machine's load average (1 min) is printed before and after the load: on a shared 2-core
machine the figures mean little without it; compare runs back to back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROWS = int(os.environ.get("XHG_BENCH_ROWS", 10_000_000))
LOADER = """
import json, resource, sys, time
from pathlib import Path
from sources.load import ingest_file
from sources.warehouse import Warehouse
wh = Warehouse(Path(sys.argv[1])); wh.clean_tmp(); con = wh.connect()
t, c = time.time(), time.process_time()
r = ingest_file(wh, con, Path(sys.argv[2]), Path(sys.argv[3]))
print(json.dumps({"seconds": time.time() - t, "cpu": time.process_time() - c,
                  "rows": r.rows_read, "loaded": r.loaded,
                  "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20}))
"""


def _drop(path: Path, fmt: str) -> None:
    """Rows by day, then account (a day's export from the collection system); `by-account`:
    each account's days together (the loader's partitioned write instead of by range)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    accounts = 60_000
    duckdb.connect().execute(f"""copy (
        select lpad((i % {accounts})::varchar, 10, '0') as 户号,
               date '2024-01-01' + (i // {accounts})::int as 日期,
               round((i % 997) / 10.0, 2) as 总电量, round((i % 331) / 10.0, 2) as 峰电量,
               round((i % 313) / 10.0, 2) as 平电量, round((i % 97) / 10.0, 2) as 谷电量
        from range({ROWS}) t(i){' order by 户号, 日期' if fmt.endswith('by-account') else ''})
        to '{path}' ({'header' if fmt == 'csv' else 'format parquet'})""")


@pytest.mark.bench
@pytest.mark.parametrize("fmt", ["parquet", "parquet-by-account", "csv"])
def test_readings_drop(tmp_path, fmt):
    inbox = tmp_path / "inbox"
    path = inbox / "power_readings" / f"readings.{fmt.split('-')[0]}"
    _drop(path, fmt)
    load_before = os.getloadavg()[0]
    out = subprocess.run([sys.executable, "-c", LOADER, str(tmp_path / "w.duckdb"), str(path), str(inbox)],
                         capture_output=True, text=True, check=True)
    m = json.loads(out.stdout.strip().splitlines()[-1])
    assert m["loaded"] == ROWS
    rate = m["rows"] / m["seconds"]
    print(f"\n[ingest {fmt}] {ROWS:,} rows in {m['seconds']:.1f} s = {rate:,.0f} rows/s "
          f"(CPU {m['cpu']:.1f} s), peak RSS {m['peak_rss_gb']:.2f} GB, "
          f"load average {load_before:.1f} -> {os.getloadavg()[0]:.1f}")
