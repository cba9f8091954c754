"""Province scale for benchmarks: ~100 county blocks, streamed one block at a time.

Each block is a county-scale world (夏县's frame shifted on a 10 x 10 grid; it keeps 夏县's
division code and township names, its own 户号 range, plates, waybill and permit numbers)
with 20k accounts x 730 days of daily readings and ~1M GPS fixes, written as plain
Parquet with the contract's Chinese headers (no xlsx/CSV mess, no interval readings), so
memory stays at one block (~1.4 GB) however many blocks there are, and at one block per
worker with `jobs` worker processes.
"""

from __future__ import annotations

import json
import multiprocessing
import re
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

import sources
from data.generator import decoys, planted, population, power_out, tracks
from data.generator.geography import World, build_world, to_m
from data.generator.mess import BadRows
from data.generator.texts import numbered_plate

N_BLOCKS = 100
N_DAYS = 730


def shifted(world: World, b: int) -> World:
    """The same county frame moved by (b % 10) * 0.7 deg east and (b // 10) * 0.45 deg north."""
    d = np.array([(b % 10) * 0.7, (b // 10) * 0.45])
    w = replace(world, ring=world.ring + d,
                townships=world.townships.with_columns(pl.col("lon") + d[0], pl.col("lat") + d[1]),
                villages=world.villages.with_columns(pl.col("lon") + d[0], pl.col("lat") + d[1]),
                places={k: (v + d if not k.endswith("_village") else v)
                        for k, v in world.places.items()})
    w.hub_xy = np.column_stack(to_m(w.townships["lon"].to_numpy(), w.townships["lat"].to_numpy()))
    return w


def plain(rows: list[dict], source: str) -> pl.DataFrame:
    """Internal rows -> the contract's columns under their Chinese labels."""
    spec = sources.spec(source)
    df = pl.DataFrame(rows, infer_schema_length=None)
    cols = [c for c in spec.columns if c.name in df.columns]
    df = df.select([pl.col(c.name).alias(c.label) for c in cols])
    if "动力电" in df.columns:
        df = df.with_columns(pl.when(pl.col("动力电")).then(pl.lit("是")).otherwise(pl.lit("否"))
                             .alias("动力电"))
    return df


def generate_province(outdir: Path, seed: int, as_of: date, progress, n_blocks: int = N_BLOCKS,
                      blocks: Sequence[int] | None = None, jobs: int = 1) -> dict:
    """Blocks 0..n_blocks-1, or just `blocks` (a benchmark caches each block on its own; block b
    is the same whichever others are generated with it, and however many at once).

    `jobs` > 1: that many worker processes, a block each at a time (each holds one block,
    ~1.4 GB at most); the blocks' truth is gathered in block order, as one process would."""
    blocks = list(range(n_blocks)) if blocks is None else list(blocks)
    sites, dec, summary = [], [], {}
    args = [(outdir, seed, as_of, b) for b in blocks]
    if jobs > 1 and len(blocks) > 1:
        ctx = multiprocessing.get_context("spawn")  # polars' threads do not survive a fork
        with ProcessPoolExecutor(min(jobs, len(blocks)), mp_context=ctx) as pool:
            done = pool.map(_block, args)
            for i, (b, s_, d_, n) in enumerate(done):
                sites, dec, summary = _gather(sites, dec, summary, s_, d_, n)
                progress(f"  区块 {i + 1}/{len(blocks)} (b{b:03d}): 累计 {summary}")
    else:
        for i, a in enumerate(args):
            b, s_, d_, n = _block(a)
            sites, dec, summary = _gather(sites, dec, summary, s_, d_, n)
            progress(f"  区块 {i + 1}/{len(blocks)} (b{b:03d}): 累计 {summary}")
    by_cat: dict[str, int] = {}
    for s in sites:
        by_cat[str(s["category"])] = by_cat.get(str(s["category"]), 0) + 1
    truth = dict(scale="province", seed=seed, as_of=as_of, blocks=blocks, planted=sites,
                 decoys=dec, bad_rows=[], summary=dict(planted=len(sites),
                 planted_by_category=by_cat, relit=sum(s["relit"] for s in sites),
                 decoys=len(dec)))
    (outdir / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, default=str), "utf-8")
    return summary | {"planted_by_category": by_cat, "relit": truth["summary"]["relit"],
                      "decoys": len(dec)}


def block_plate(plate: str, b: int, i: int) -> str:
    """The i-th plate of block b: the region kept (晋M, 豫C …), the rest numbered so that no
    two blocks share one (b < 100, i < 1000: letter A–K, then four digits)."""
    return numbered_plate(plate[:2], b * 1000 + i)


def own_keys(b: int, pts: pl.DataFrame, wb: pl.DataFrame, c: population.County
             ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Block b's own plates, waybill numbers and permit numbers. Each block draws them from
    the same spaces as a county does, so without this the blocks of a province shared trucks
    (even a plate at one time in two counties) and waybill and permit numbers, and loading
    block after block replaced earlier blocks' rows by key (p38: 49,270 of 75,788 waybills).
    The truth's plates follow."""
    plates = sorted(set(pts["车牌号"].unique().to_list()) | set(wb["车牌号"].unique().to_list()))
    if len(plates) >= 1000:
        raise ValueError(f"block {b}: {len(plates)} plates, block_plate numbers 1000 a block")
    new = {p: block_plate(p, b, i) for i, p in enumerate(plates)}
    pts = pts.with_columns(pl.col("车牌号").replace_strict(new))
    wb = wb.with_columns(pl.col("车牌号").replace_strict(new),
                         # YD20261116 00001 -> YD20261116 042 00001
                         (pl.col("运单编号").str.slice(0, 10) + f"{b:03d}"
                          + pl.col("运单编号").str.slice(10)).alias("运单编号"))
    for s in c.sites + c.decoys:
        if s.get("plates"):
            s["plates"] = [new.get(p, p) for p in s["plates"]]
    for r in c.permits:  # (晋)WH安许证字[2023]945 -> [2023]042945
        r["permit_no"] = re.sub(r"\](\d+)$", lambda m: f"]{b:03d}{m.group(1)}", r["permit_no"])
    return pts, wb


def _gather(sites: list, dec: list, summary: dict, s_: list, d_: list, n: dict):
    for k, v in n.items():
        summary[k] = summary.get(k, 0) + v
    return sites + s_, dec + d_, summary


_WORLDS: dict[int, World] = {}


def _block(a: tuple[Path, int, date, int]) -> tuple[int, list[dict], list[dict], dict]:
    """One county block written under outdir: (block, planted sites, decoys, row counts)."""
    outdir, seed, as_of, b = a
    if seed not in _WORLDS:  # the county frame: the same for every block of a seed
        _WORLDS.clear()
        _WORLDS[seed] = build_world(np.random.default_rng(seed))
    inbox = outdir / "inbox"
    rng = np.random.default_rng([seed, b])
    c = population.County(world=shifted(_WORLDS[seed], b), rng=rng,
                          day0=as_of - timedelta(days=N_DAYS), n_days=N_DAYS)
    # each block its own 户号 range (block 0 as before): without it every block drew the
    # same numbers, and loading block after block replaced earlier blocks' readings by key
    # (8 blocks: 160,136 accounts written, 57,750 distinct)
    c._next_acct = b * 1_000_000
    decoys.build_decoys(c, "province_block", lambda _: None)
    population.build_ordinary(c, "province_block", lambda _: None)
    planted.plant_all(c, "province_block", lambda _: None)
    pts, wb, _ = tracks.build_tracks(c, population.SCALES["province_block"][3], as_of, 14,
                                     lambda _: None)
    pts, wb = own_keys(b, pts, wb, c)
    tag = f"b{b:03d}"
    for src, rows in (("registry", c.registry), ("permits", c.permits),
                      ("power_accounts", c.accounts), ("closed_sites", c.closed)):
        (inbox / src).mkdir(parents=True, exist_ok=True)
        plain(rows, src).write_parquet(inbox / src / f"{src}_{tag}.parquet")
    for src, df in (("vehicle_tracks", pts), ("waybills", wb)):
        (inbox / src).mkdir(parents=True, exist_ok=True)
        df.write_parquet(inbox / src / f"{src}_{tag}.parquet")
    acc = pl.DataFrame(c.accounts, infer_schema_length=None)
    n = power_out.write_readings(c, acc, outdir, BadRows(), lambda _: None, messy=False,
                                 tag=tag + "_")
    for s in c.sites + c.decoys:
        s["id"] = f"{tag}-{s['id']}"
    return b, c.sites, c.decoys, {
        "power_accounts": acc.height, "registry": len(c.registry),
        "vehicle_tracks": pts.height, "waybills": wb.height,
        "power_readings_daily": n["power_readings_daily"]}
