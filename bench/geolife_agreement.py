"""Our truck stays against trackintel's `generate_staypoints` on real trajectories (GeoLife).

Run: `.venv/bin/python -m bench.geolife_agreement [FOLDER] [--details]`
(FOLDER defaults to data/work/geolife).

FOLDER holds GeoLife `.plt` files, one folder per user as GeoLife ships them
(`<user>/Trajectory/<start>.plt`: six header lines, then `lat,lon,0,altitude_ft,days,date,time`
in GMT). The data are not in the repository: they are Microsoft Research's GeoLife GPS
Trajectories (non-commercial licence); trackintel's repository carries a sample
(github.com/mie-lab/trackintel, `tests/data/geolife_long/` and
`tests/data/geolife_long_10_MB/`); fetch it, or the full data set, into FOLDER yourself. Never
commit it (data/work/ is git-ignored).

Each user becomes a plate `GL<user>`; times are shifted from GMT to Beijing wall-clock (+8 h)
as `vehicle_tracks` holds them; exact (plate, ts) duplicates are dropped (as ingest does).
Both sides then run on the same fixes, for two settings: our defaults (StayParams()) and
trackintel 1.4.2's own defaults (read from its signature: 100 m, 5 min, 15 min gap).
trackintel runs `method="sliding", include_last=True`, with dist/time/gap thresholds equal to
radius_m/min_duration_min/max_gap_min.

Reported per setting: counts; the share of trackintel's staypoints overlapped in time by one
of our stays of the same plate, and vice versa (also with centroids within 100 m, the test
oracle's rule); for each matched trackintel staypoint paired with the stay that overlaps it
most: the median |start| and |end| differences and the median centroid distance; how many
of ours overlap two or more of theirs (a split on their side) and the reverse; timings (ours:
median of 5 runs of detect_stays, DuckDB in and out; trackintel: one run of
generate_staypoints on a ready GeoDataFrame). Two diagnostic rows repeat both settings with
the gap rule taken out on both sides (gap threshold 10^6 min): whatever disagreement is left
there does not come from data gaps (skip them with `--no-diagnosis`). `--details` lists every
disagreement with the fixes inside it (count, silences over the gap threshold, steps of
radius_m or more).
"""

from __future__ import annotations

import argparse
import inspect
import sys
import time
import warnings
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sites.stays import StayParams, detect_stays  # noqa: E402

DEFAULT_FOLDER = ROOT / "data" / "work" / "geolife"
RUNS = 5
NO_GAP_MIN = 1e6  # a gap threshold no silence reaches: the diagnostic runs
EARTH_M = 6371008.8


def plt_files(folder: Path) -> list[Path]:
    """The .plt files under folder, sorted."""
    return sorted(Path(folder).rglob("*.plt"))


def read_geolife(folder: Path) -> pd.DataFrame:
    """plate, ts (Beijing wall-clock), lon, lat of every .plt under folder, one plate per user.

    The user is the folder above `Trajectory/` (GeoLife's layout), else the file's folder.
    """
    frames = []
    for path in plt_files(folder):
        user = path.parent.parent.name if path.parent.name == "Trajectory" else path.parent.name
        df = pd.read_csv(path, skiprows=6, header=None,
                         names=["lat", "lon", "zero", "alt_ft", "days", "date", "time"])
        frames.append(pd.DataFrame({
            "plate": f"GL{user}",
            "ts": pd.to_datetime(df["date"] + " " + df["time"]) + pd.Timedelta(hours=8),
            "lon": df["lon"].astype(float),
            "lat": df["lat"].astype(float),
            "file": path.name,
        }))
    if not frames:
        raise FileNotFoundError(f"no .plt files under {folder}")
    fixes = pd.concat(frames, ignore_index=True)
    fixes = fixes.drop_duplicates(["plate", "ts"]).sort_values(["plate", "ts"], kind="stable")
    return fixes.reset_index(drop=True)


def trackintel_defaults() -> StayParams:
    """trackintel's own defaults of generate_staypoints as StayParams (read from its signature)."""
    from trackintel.preprocessing.positionfixes import generate_staypoints

    p = inspect.signature(generate_staypoints).parameters
    return StayParams(radius_m=float(p["dist_threshold"].default),
                      min_duration_min=float(p["time_threshold"].default),
                      max_gap_min=float(p["gap_threshold"].default))


def run_ours(fixes: pd.DataFrame, params: StayParams) -> tuple[pd.DataFrame, float]:
    """Our stays (through a DuckDB vehicle_tracks table) and the median seconds of RUNS runs."""
    con = duckdb.connect()
    con.register("fixes", fixes[["plate", "ts", "lon", "lat"]])
    con.execute("create table vehicle_tracks as select * from fixes order by hash(plate, ts)")
    con.unregister("fixes")
    seconds = []
    for _ in range(RUNS):
        start = time.perf_counter()
        detect_stays(con, params)
        seconds.append(time.perf_counter() - start)
    stays = con.sql("from truck_stays order by plate, started_at").df()
    return stays, sorted(seconds)[RUNS // 2]


def run_trackintel(fixes: pd.DataFrame, params: StayParams) -> tuple[pd.DataFrame, float]:
    """trackintel's sliding staypoints (plate, started_at, ended_at, lon, lat, n_fixes) and the
    seconds of generate_staypoints alone."""
    import geopandas as gpd
    import trackintel as ti

    pfs = ti.Positionfixes(gpd.GeoDataFrame(
        {"user_id": fixes["plate"].to_numpy(),
         "tracked_at": pd.to_datetime(fixes["ts"]).dt.tz_localize("Asia/Shanghai")},
        geometry=gpd.points_from_xy(fixes["lon"], fixes["lat"]), crs="EPSG:4326",
    ).reset_index(drop=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        pfs_out, sp = pfs.generate_staypoints(
            method="sliding", dist_threshold=params.radius_m,
            time_threshold=params.min_duration_min, gap_threshold=params.max_gap_min,
            include_last=True)
        seconds = time.perf_counter() - start
    n_fixes = pfs_out["staypoint_id"].value_counts()
    theirs = pd.DataFrame({
        "plate": sp["user_id"].to_numpy(),
        "started_at": sp["started_at"].dt.tz_localize(None).to_numpy(),
        "ended_at": sp["finished_at"].dt.tz_localize(None).to_numpy(),
        "lon": sp.geometry.x.to_numpy(),
        "lat": sp.geometry.y.to_numpy(),
        "n_fixes": n_fixes.reindex(sp.index).fillna(0).astype(int).to_numpy(),
    })
    return theirs.sort_values(["plate", "started_at"]).reset_index(drop=True), seconds


def _metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Haversine metres."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(a, dtype=float)) for a in (lon1, lat1, lon2, lat2))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_M * np.arcsin(np.sqrt(h))


def overlapping_pairs(ours: pd.DataFrame, theirs: pd.DataFrame) -> pd.DataFrame:
    """Every (o, t) of the same plate whose time spans overlap, with the overlap in seconds and
    the centroid distance in metres."""
    o = ours.reset_index(names="o")[["o", "plate", "started_at", "ended_at", "lon", "lat"]]
    t = theirs.reset_index(names="t")[["t", "plate", "started_at", "ended_at", "lon", "lat"]]
    pairs = o.merge(t, on="plate", suffixes=("_o", "_t"))
    pairs = pairs[(pairs["started_at_o"] < pairs["ended_at_t"])
                  & (pairs["started_at_t"] < pairs["ended_at_o"])].copy()
    pairs["overlap_s"] = (
        np.minimum(pairs["ended_at_o"], pairs["ended_at_t"])
        - np.maximum(pairs["started_at_o"], pairs["started_at_t"])
    ).dt.total_seconds()
    pairs["dist_m"] = _metres(pairs["lon_o"], pairs["lat_o"], pairs["lon_t"], pairs["lat_t"])
    return pairs.reset_index(drop=True)


def compare(ours: pd.DataFrame, theirs: pd.DataFrame, within_m: float = 100.0) -> dict:
    """The agreement figures of the module docstring."""
    pairs = overlapping_pairs(ours, theirs)
    near = pairs[pairs["dist_m"] <= within_m]
    best = pairs.sort_values("overlap_s", ascending=False).drop_duplicates("t")
    d_start = (best["started_at_o"] - best["started_at_t"]).dt.total_seconds().abs()
    d_end = (best["ended_at_o"] - best["ended_at_t"]).dt.total_seconds().abs()
    per_o, per_t = pairs.groupby("o").size(), pairs.groupby("t").size()
    return {
        "ours": len(ours), "theirs": len(theirs),
        "theirs_matched": pairs["t"].nunique() / max(len(theirs), 1),
        "ours_matched": pairs["o"].nunique() / max(len(ours), 1),
        "theirs_matched_100m": near["t"].nunique() / max(len(theirs), 1),
        "ours_matched_100m": near["o"].nunique() / max(len(ours), 1),
        "one_to_one": int(((per_t.reindex(best["t"]).to_numpy() == 1)
                           & (per_o.reindex(best["o"]).to_numpy() == 1)).sum()),
        "ours_over_2plus": int((per_o >= 2).sum()),
        "theirs_over_2plus": int((per_t >= 2).sum()),
        "median_d_start_s": float(d_start.median()) if len(best) else float("nan"),
        "median_d_end_s": float(d_end.median()) if len(best) else float("nan"),
        "median_dist_m": float(best["dist_m"].median()) if len(best) else float("nan"),
        "p90_dist_m": float(best["dist_m"].quantile(0.9)) if len(best) else float("nan"),
        "pairs": pairs,
    }


def _reason(fixes: pd.DataFrame, plate: str, start, end, params: StayParams) -> str:
    """The fixes of [start, end] of that plate: how many, silences over max_gap_min, steps of
    radius_m or more (what tells the documented differences apart)."""
    f = fixes[(fixes["plate"] == plate) & (fixes["ts"] >= start) & (fixes["ts"] <= end)]
    gaps = f["ts"].diff().dt.total_seconds().gt(params.max_gap_min * 60).sum()
    step = _metres(f["lon"].shift(), f["lat"].shift(), f["lon"], f["lat"])[1:]
    big_steps = int((step >= params.radius_m).sum())
    notes = [f"{len(f)} fixes"]
    if gaps:
        notes.append(f"{gaps} gap(s) > {params.max_gap_min:g} min")
    if big_steps:
        notes.append(f"{big_steps} step(s) >= {params.radius_m:g} m")
    return ", ".join(notes)


def details(fixes, ours, theirs, result, params: StayParams) -> list[str]:
    """One line per disagreement: unmatched staypoints of either side and many-to-one overlaps."""
    pairs = result["pairs"]
    lines = []
    for side, frame, col in (("theirs", theirs, "t"), ("ours", ours, "o")):
        for _, row in frame[~frame.index.isin(pairs[col])].iterrows():
            extra = (f"n_fixes {row['n_fixes']}" if side == "theirs"
                     else f"n_points {row['n_points']}, gap_parked {row['gap_parked']}")
            minutes = (row["ended_at"] - row["started_at"]).total_seconds() / 60
            lines.append(
                f"  unmatched {side}: {row['plate']} {row['started_at']:%m-%d %H:%M:%S} → "
                f"{row['ended_at']:%H:%M:%S} ({minutes:.1f} min, {extra}); fixes in it: "
                f"{_reason(fixes, row['plate'], row['started_at'], row['ended_at'], params)}")
    for col, other, label in (("o", "t", "one of ours over"), ("t", "o", "one of theirs over")):
        for _, group in pairs.groupby(col):
            if len(group) < 2:
                continue
            spans = "; ".join(f"{r[f'started_at_{other}']:%H:%M:%S}–{r[f'ended_at_{other}']:%H:%M:%S}"
                              for _, r in group.sort_values(f"started_at_{other}").iterrows())
            first = group.iloc[0]
            lines.append(
                f"  {label} {len(group)}: {first['plate']} "
                f"{first[f'started_at_{col}']:%m-%d %H:%M:%S}–{first[f'ended_at_{col}']:%H:%M:%S}"
                f" vs {spans}")
    return lines


def measure(fixes: pd.DataFrame, params: StayParams) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    ours, ours_s = run_ours(fixes, params)
    theirs, theirs_s = run_trackintel(fixes, params)
    result = compare(ours, theirs)
    result.update(ours_s=ours_s, theirs_s=theirs_s,
                  theirs_one_fix=int((theirs["n_fixes"] == 1).sum()),
                  ours_gap_parked=int(ours["gap_parked"].sum()))
    return result, ours, theirs


def table(rows: list[tuple[str, StayParams, dict]]) -> list[str]:
    head = ("setting", "ours", "trackintel", "theirs matched", "ours matched",
            "≤100 m: theirs / ours", "1:1", "ours⊃2+ / theirs⊃2+", "med |Δstart|",
            "med |Δend|", "med dist (p90)", "ours s", "trackintel s")
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, p, r in rows:
        cells = (
            f"{name} ({p.radius_m:g} m, {p.min_duration_min:g} min, "
            f"gap {'∞' if p.max_gap_min >= NO_GAP_MIN else f'{p.max_gap_min:g} min'})",
            f"{r['ours']} ({r['ours_gap_parked']} gap_parked)",
            f"{r['theirs']} ({r['theirs_one_fix']} one-fix)",
            f"{r['theirs_matched']:.1%}", f"{r['ours_matched']:.1%}",
            f"{r['theirs_matched_100m']:.1%} / {r['ours_matched_100m']:.1%}",
            f"{r['one_to_one']}", f"{r['ours_over_2plus']} / {r['theirs_over_2plus']}",
            f"{r['median_d_start_s']:.0f} s", f"{r['median_d_end_s']:.0f} s",
            f"{r['median_dist_m']:.1f} m ({r['p90_dist_m']:.0f} m)",
            f"{r['ours_s']:.3f}", f"{r['theirs_s']:.2f}",
        )
        out.append("| " + " | ".join(cells) + " |")
    return out


def main(argv: list[str] | None = None) -> list[tuple[str, StayParams, dict]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--details", action="store_true", help="list every disagreement")
    parser.add_argument("--no-diagnosis", action="store_true",
                        help="skip the two runs with the gap rule taken out")
    args = parser.parse_args(argv)

    fixes = read_geolife(args.folder)
    per_user = fixes.groupby("plate").agg(files=("file", "nunique"), fixes=("ts", "size"))
    steps = fixes.groupby("plate")["ts"].diff().dt.total_seconds()
    print(f"[geolife] {args.folder}: {len(plt_files(args.folder))} files, {len(fixes):,} fixes, "
          f"{len(per_user)} users ({', '.join(f'{p} {r.files}/{r.fixes}' for p, r in per_user.iterrows())}"
          f" files/fixes); sampling median {steps.median():.0f} s, "
          f"{(steps > 15 * 60).sum()} silences > 15 min")
    rows = []
    settings = [("our defaults", StayParams()), ("trackintel's defaults", trackintel_defaults())]
    if not args.no_diagnosis:
        # the same with the gap rule taken out on both sides: what is left is not about gaps
        settings += [(f"{name}, gaps ignored", replace(p, max_gap_min=NO_GAP_MIN))
                     for name, p in settings]
    for name, params in settings:
        result, ours, theirs = measure(fixes, params)
        rows.append((name, params, result))
        if args.details:
            print(f"\n{name}: disagreements (times Beijing)")
            print("\n".join(details(fixes, ours, theirs, result, params)) or "  none")
    print()
    print("\n".join(table(rows)))
    for name, _, r in rows:
        print(f"[geolife, {name}] {r['theirs_matched']:.1%} of trackintel's {r['theirs']} "
              f"staypoints overlapped by ours, {r['ours_matched']:.1%} of our {r['ours']} stays "
              f"by theirs; median |Δstart| {r['median_d_start_s']:.0f} s, |Δend| "
              f"{r['median_d_end_s']:.0f} s, centroid {r['median_dist_m']:.1f} m; ours "
              f"{r['ours_s']:.3f} s, trackintel {r['theirs_s']:.2f} s")
    return rows


if __name__ == "__main__":
    main()
