"""`detect_stays` against a literal, loop-by-loop reading of the stay definition.

The reference follows the module docstring of `sites.stays` step by step, one fix at a time
per plate (slow and obvious); the implementation is vectorised. The random series mix parked,
crawling and driving trucks, one-fix GPS jumps, data gaps, sub-second timestamps and a plate
carried by two trucks at once.
"""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from sites.stays import StayParams, _sorted_parts, detect_stays

M_PER_DEG = 111194.93
LON0, LAT0 = 112.55, 37.85


def _apart(a, b, kx: float, radius_m: float) -> bool:
    """Fixes (t, lon, lat) radius_m or more apart, kx metres per degree of longitude."""
    dx, dy = (b[1] - a[1]) * kx, (b[2] - a[2]) * M_PER_DEG
    return dx * dx + dy * dy >= radius_m * radius_m


def _kx(fix) -> float:
    return math.cos(math.radians(fix[2])) * M_PER_DEG


def reference(rows: list[tuple], p: StayParams) -> list[tuple]:
    """rows (plate, t_us, lon, lat) -> stays (plate, started_us, ended_us, n_points, gap_parked,
    conflict, lon, lat), read off the module docstring."""
    r, gap = p.radius_m, p.max_gap_min * 60e6
    tracks: dict[str, list[tuple]] = {}
    for plate, t, lon, lat in sorted(rows):
        tracks.setdefault(plate, []).append((t, lon, lat))
    stays = []
    for plate, fixes in tracks.items():
        # 1. despike: far from both neighbours, which are close and at most max_gap apart
        kept = []
        for i, b in enumerate(fixes):
            if 0 < i < len(fixes) - 1:
                a, c = fixes[i - 1], fixes[i + 1]
                if (_apart(a, b, _kx(b), r) and _apart(b, c, _kx(c), r)
                        and not _apart(a, c, _kx(b), r) and c[0] - a[0] <= gap):
                    continue
            kept.append(b)
        # 5. min_teleports steps of teleport_m or more faster than max_speed_kmh: two vehicles
        teleports = sum(
            1 for e, f in zip(kept, kept[1:], strict=False)
            if _apart(e, f, _kx(f), max(p.teleport_m, max((f[0] - e[0]) / 1e6, 1.0) * p.max_speed_kmh / 3.6 + 1e-6)))
        conflict = teleports >= p.min_teleports
        # 2. runs break at a step of radius_m or more; 3. inside a run, the first fix radius_m
        # or more from the anchor is the next anchor
        segments: list[list[int]] = []
        anchor = None
        for k, f in enumerate(kept):
            if k == 0 or _apart(kept[k - 1], f, _kx(f), r) or _apart(anchor, f, _kx(f), r):
                segments.append([])
                anchor = f
            segments[-1].append(k)
        # 4. two or more fixes and min_duration_min, ended by the next fix unless after a gap
        for seg in segments:
            if len(seg) < 2:
                continue
            first, last = kept[seg[0]], kept[seg[-1]]
            nxt = kept[seg[-1] + 1] if seg[-1] + 1 < len(kept) else None
            ended = nxt[0] if nxt is not None and nxt[0] - last[0] <= gap else last[0]
            if ended - first[0] < p.min_duration_min * 60e6:
                continue
            gap_parked = any(kept[k][0] - kept[k - 1][0] > gap for k in seg[1:])
            stays.append((plate, first[0], ended, len(seg), gap_parked, conflict,
                          sum(kept[k][1] for k in seg) / len(seg),
                          sum(kept[k][2] for k in seg) / len(seg)))
    return stays


def random_rows(seed: int, n_plates: int = 6, n_events: int = 60) -> list[tuple]:
    """Parked, crawling and driving spells with jumps, gaps and some sub-second timestamps."""
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(n_plates):
        plate = f"晋M{p:05d}"
        t = 1_795_000_000_000_000 + int(rng.integers(0, 86_400)) * 1_000_000
        x = y = 0.0
        for _ in range(n_events):
            kind = rng.choice(["park", "crawl", "drive"], p=[0.45, 0.2, 0.35])
            step_m = {"park": 0.0, "crawl": rng.uniform(15, 90), "drive": rng.uniform(120, 700)}[kind]
            heading = rng.uniform(0, 2 * math.pi)
            for _ in range(int(rng.integers(2, 60))):
                t += int(rng.uniform(5, 90) * 1e6) if rng.random() < 0.3 else 30_000_000
                if rng.random() < 0.01:
                    t += int(rng.uniform(10, 200) * 60e6)  # a data gap
                x += step_m * math.cos(heading) + rng.normal(0, 8)
                y += step_m * math.sin(heading) + rng.normal(0, 8)
                fx, fy = x, y
                if rng.random() < 0.02:  # a one-fix GPS jump
                    fx, fy = fx + rng.uniform(300, 900), fy - rng.uniform(300, 900)
                lat = LAT0 + fy / M_PER_DEG
                rows.append((plate, t, LON0 + fx / (M_PER_DEG * math.cos(math.radians(lat))), lat))
    # the last plate's fixes are a second truck's, 4 km off, under the first plate (cloned)
    clone = rows[-1][0]
    return [("晋M00000", t + 7, lon + 0.05, lat) if plate == clone else (plate, t, lon, lat)
            for plate, t, lon, lat in rows]


def ours(rows: list[tuple], p: StayParams) -> list[tuple]:
    con = duckdb.connect()
    plate, t, lon, lat = zip(*rows, strict=True)
    con.register("fixes", pa.table({
        "plate": pa.array(plate),
        "ts": pa.array(t, pa.timestamp("us")),
        "lon": pa.array(lon),
        "lat": pa.array(lat),
    }))
    con.execute("create table vehicle_tracks as select * from fixes order by hash(plate, ts)")
    detect_stays(con, p)
    return con.execute(
        "select plate, epoch_us(started_at), epoch_us(ended_at), n_points, gap_parked, conflict, lon, lat"
        " from truck_stays order by plate, started_at"
    ).fetchall()


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize(
    "params",
    [StayParams(), StayParams(radius_m=60, min_duration_min=4, max_gap_min=6)],
    ids=["default", "tight"],
)
def test_matches_the_literal_definition(seed, params):
    rows = random_rows(seed)
    expected, got = reference(rows, params), ours(rows, params)
    assert len(expected) > 10
    assert {s[0] for s in expected if s[5]} == {"晋M00000"}  # the cloned plate, only
    assert [s[:6] for s in got] == [s[:6] for s in expected]
    for g, e in zip(got, expected, strict=True):
        assert g[6:] == pytest.approx(e[6:], abs=1e-9)


@pytest.mark.parametrize(
    ("t_step", "t_span"),
    [(1_000_000, 10**12), (1_000, 10**12), (1, 10**12), (1, 2**61)],
    ids=["seconds: packed with the row", "milliseconds: packed with the row",
         "microseconds: packed key", "vast span: lexsort"],
)
def test_sorted_parts_hold_whole_plates_by_time(t_step, t_span):
    rng = np.random.default_rng(0)
    pid = rng.integers(0, 40, 5_000).astype(np.int32)
    t = rng.integers(-t_span // (2 * t_step), t_span // (2 * t_step), 5_000) * t_step
    if t_step == 1:
        t[0] = 7  # not a whole millisecond
    parts = list(_sorted_parts(pid, t, size=900))
    pid_sorted, t_sorted, rows = (np.concatenate(c) for c in zip(*parts, strict=True))
    expected = np.lexsort((t, pid))
    assert np.array_equal(pid_sorted, pid[expected]) and np.array_equal(t_sorted, t[expected])
    assert np.array_equal(pid[rows], pid_sorted) and np.array_equal(t[rows], t_sorted)
    assert 4 <= len(parts) <= 7
    firsts, lasts = [p[0][0] for p in parts[1:]], [p[0][-1] for p in parts[:-1]]
    assert all(a != b for a, b in zip(firsts, lasts, strict=True))  # no plate cut in two


def test_no_fixes_gives_an_empty_table():
    con = duckdb.connect()
    con.execute("create table vehicle_tracks (plate varchar, ts timestamp, lon double, lat double)")
    detect_stays(con)
    assert con.execute("select count(*) from truck_stays").fetchone() == (0,)
    assert [c[1] for c in con.execute("describe truck_stays").fetchall()] == [
        "VARCHAR", "VARCHAR", "TIMESTAMP", "TIMESTAMP", "DOUBLE", "DOUBLE", "DOUBLE",
        "BIGINT", "BOOLEAN", "BOOLEAN", "BOOLEAN",
    ]
