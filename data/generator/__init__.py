"""Demo-county generator: a synthetic 夏县 (140828) with planted illegal 小化工 and decoys.

`generate(outdir, scale, seed, as_of)` writes `outdir/inbox/<source>/...` per the data
contract and `outdir/truth.json` (planted sites, decoys, deliberately bad rows), and returns
a summary. Scales: `small` (tests, demo), `county`, and `province` (benchmarks; plain
Parquet streamed block by block, see `province.py`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from data.generator import decoys, planted, population, power_out, province, tracks, writer
from data.generator.geography import build_world
from data.generator.mess import BadRows

N_READING_DAYS = 400
N_TRACK_DAYS = 14
DEFAULT_AS_OF = date(2026, 11, 30)

FALSE_TIPS = [("养猪场", "养殖场臭味很大，晚上也有味道"), ("冷库", "半夜机器一直响，吵得睡不着"),
              ("加油站", "经常有油罐车进出，担心不安全"), ("面包房", "凌晨就开工，有烟"),
              ("农资店", "店里堆了很多农药化肥"), ("废品站", "在村边烧东西，气味刺鼻")]


def generate(outdir: Path, scale: str = "small", seed: int = 0, as_of: date | None = None,
             progress: Callable[[str], None] = print, blocks: int | None = None,
             jobs: int = 1) -> dict:
    """Write a synthetic county's inbox and truth; return counts per source and of the truth.

    `blocks`: province scale only, the first N county blocks (default all 100); `jobs`: that
    many blocks generated at once, in worker processes (the output does not change)."""
    if scale not in ("small", "county", "province"):
        raise ValueError(f"scale {scale!r} is not available (small, county, province)")
    as_of = as_of or DEFAULT_AS_OF
    outdir = Path(outdir)
    if scale == "province":
        n_blocks = blocks or province.N_BLOCKS
        progress(f"生成省级规模基准数据（{n_blocks} 个县区块, seed={seed}, {jobs} 个进程）")
        return province.generate_province(outdir, seed, as_of, progress, n_blocks, jobs=jobs)
    rng = np.random.default_rng(seed)
    n_acc, n_reg, n_perm, n_trucks = population.SCALES[scale]
    c = population.County(world=build_world(rng), rng=rng,
                          day0=as_of - timedelta(days=N_READING_DAYS), n_days=N_READING_DAYS)
    progress(f"生成{scale}规模县域数据（夏县, seed={seed}, 截至 {as_of}）")
    decoys.build_decoys(c, scale, progress)
    population.build_ordinary(c, scale, progress)
    planted.plant_all(c, scale, progress)
    _false_tips(c)
    pts, wb, _ = tracks.build_tracks(c, n_trucks, as_of, N_TRACK_DAYS, progress)
    acc = pl.DataFrame(c.accounts, infer_schema_length=None)
    bad = BadRows()
    summary: dict = {}
    summary |= writer.registry(c, outdir, bad)
    summary |= writer.permits(c, outdir)
    summary |= writer.power_accounts(c, acc, outdir)
    summary |= power_out.write_readings(c, acc, outdir, bad, progress)
    summary |= writer.tracks(c, pts, outdir)
    summary |= writer.waybills(c, wb, outdir)
    summary |= writer.tips(c, outdir, as_of)
    summary |= writer.closed_sites(c, outdir)
    truth = _truth(c, bad, scale, seed, as_of)
    (outdir / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1,
                                                  default=str), "utf-8")
    summary["planted_by_category"] = truth["summary"]["planted_by_category"]
    summary["relit"] = truth["summary"]["relit"]
    summary["decoys"] = len(c.decoys)
    progress(f"完成: {summary}")
    return summary


def _false_tips(c: population.County) -> None:
    rng = c.rng
    for _ in range(max(4, len(c.sites))):
        v = c.village()
        what, content = FALSE_TIPS[int(rng.integers(len(FALSE_TIPS)))]
        c.tips.append(dict(tip_no="", tipped_at=None, target="", lon=None, lat=None,
                           address=f"{v['township']}{population.place_name(v['village'])}{what}",
                           content=content, owner=None, day=int(rng.integers(c.n_days - 200,
                                                                             c.n_days))))


def _truth(c: population.County, bad: BadRows, scale: str, seed: int, as_of: date) -> dict:
    by_cat: dict[str, int] = {}
    for s in c.sites:
        by_cat[str(s["category"])] = by_cat.get(str(s["category"]), 0) + 1
    tips = [dict(tip_no=t["tip_no"], about=t["owner"]) for t in c.tips]
    for s in c.sites:
        s["tip_nos"] = [t["tip_no"] for t in c.tips if t["owner"] == s["id"]]
    return dict(county="夏县", county_code="140828", scale=scale, seed=seed, as_of=as_of,
                reading_days=[c.day0, c.day0 + timedelta(days=c.n_days - 1)],
                crs="WGS84", planted=c.sites, decoys=c.decoys, tips=tips,
                bad_rows=bad.rows,
                # exact duplicate GPS fixes planted in vehicle_tracks (the ingest drops them)
                gps_duplicates=getattr(c, "gps_duplicates", 0),
                summary=dict(planted=len(c.sites), planted_by_category=by_cat,
                             relit=sum(s["relit"] for s in c.sites), decoys=len(c.decoys)))


__all__ = ["generate", "DEFAULT_AS_OF"]
