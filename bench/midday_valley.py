"""A demo county as if in a province whose 谷 (valley) is 09–17: how the ranking fares where the
valley is not night (detectors/tou.py reads the hours off the data).

The generator's Shanxi periods (data/generator/readings.py: 谷 00–07 and 11–13) are replaced
before it runs — 谷 09–17, 峰 17–23 with 尖 18–20, 平 the rest — then the county is ingested
into WORKDIR/county-SEED, where `bench.evaluate_ranking` finds it (it generates only when no
truth.json is there):

    .venv/bin/python -m bench.midday_valley WORKDIR 3 7
    .venv/bin/python -m bench.evaluate_ranking --scale county --seeds 3 7 --workdir WORKDIR
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import data.generator.readings as readings


def use_midday_valley() -> None:
    """Replace the generator's time-of-use periods (module constants) with a 09–17 valley."""
    h = readings.H
    readings.VALLEY = (h >= 9) & (h < 17)
    readings.PEAK = (h >= 17) & (h < 23)
    readings.SHARP = (h >= 18) & (h < 20)
    readings.FLAT = ~readings.VALLEY & ~readings.PEAK
    shape = readings.SHAPE
    readings.TOU = np.stack([np.stack([
        shape[:, readings.SHARP].sum(1) * s,
        shape[:, readings.PEAK & ~(readings.SHARP & bool(s))].sum(1),
        shape[:, readings.FLAT].sum(1),
        shape[:, readings.VALLEY].sum(1)], 1) for s in (0, 1)], 1)


def main() -> None:
    from data.generator import generate
    from pipelines import settings
    from pipelines.ingest import ingest_flow

    settings.apply()
    ap = argparse.ArgumentParser()
    ap.add_argument("workdir")
    ap.add_argument("seeds", type=int, nargs="+")
    args = ap.parse_args()
    use_midday_valley()
    for seed in args.seeds:
        root = Path(args.workdir) / f"county-{seed}"
        generate(root, scale="county", seed=seed, progress=lambda _: None)
        ingest_flow(str(root / "inbox"), str(root / "warehouse.duckdb"), str(root / "out"), "none")
        print(f"{root}: generated and ingested with a 09–17 valley", flush=True)


if __name__ == "__main__":
    main()
