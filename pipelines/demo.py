"""`xhg demo`: generate a small county, ingest it, screen it, show the top of the lead list."""

from __future__ import annotations

import shutil
import time
from pathlib import Path


def run_demo(workdir: Path, seed: int = 7, out_dir: str = "reports/out") -> int:
    from data.generator import generate
    from pipelines.cli import print_top
    from pipelines.ingest import ingest_flow
    from pipelines.screen import screen_flow

    t0 = time.time()
    if workdir.exists():
        shutil.rmtree(workdir)
    print(f"① 生成演示县（夏县，种子 {seed}）→ {workdir}")
    summary = generate(workdir, scale="small", seed=seed, progress=lambda m: print("   " + m))
    warehouse = workdir / "warehouse.duckdb"
    print("② 入库")
    reports = ingest_flow(str(workdir / "inbox"), str(warehouse), out_dir)
    print(f"   {len(reports)} 个文件，入库 {sum(r['loaded'] for r in reports):,} 行，"
          f"拒收 {sum(r['rejected'] for r in reports):,} 行（故意放入的错误行与重复定位点）")
    print("③ 排查")
    result = screen_flow(str(warehouse), summary.get("as_of"), out_dir)
    print_top(result, 10)
    print(f"\n演示用时 {time.time() - t0:.0f} 秒。答案（埋设的违法点位）见 {workdir / 'truth.json'}")
    return 0
