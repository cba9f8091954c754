"""Truck stays: where a hazmat truck remained within `radius_m` for `min_duration_min` or more.

Reads `vehicle_tracks` (plate, ts, lon, lat; WGS-84, Beijing wall-clock) and writes
`truck_stays`:

    stay_id       varchar    plate || '|' || started_at as yyyymmddThhmmss (unique, readable)
    plate         varchar
    started_at    timestamp  the anchor fix
    ended_at      timestamp  the first fix outside the stay, or the last fix inside it when
                             the truck left during a data gap or the series ends
    duration_min  double     ended_at - started_at
    lon, lat      double     centroid (mean) of the fixes inside the stay
    n_points      bigint     fixes inside the stay (at least 2)
    night         boolean    [started_at, ended_at] meets clock night [22:00, 06:00)
    gap_parked    boolean    the stay contains a data gap longer than max_gap_min
    conflict      boolean    the plate is on two vehicles at once (step 5): not to be used

Definition, per plate in time order (exact (plate, ts) duplicates are already removed):

1. Despike: a fix is dropped when it is radius_m or more from both neighbours while those
   two are within radius_m of each other and at most max_gap_min apart (a one-fix GPS jump).
   Steps skip over dropped fixes. (Two jumps in a row are not recognised.)
2. Runs: a new run starts where one step moves radius_m or more. A data gap alone does not
   break a run: a truck that vanishes and reappears within radius_m stays in its run (it was
   parked, the stay gets gap_parked); one that reappears farther starts a new run.
3. Segments: inside a run, trackintel's sliding rule exactly: the run's first fix is the
   anchor, the first fix radius_m or more from the anchor ends the segment and becomes the
   next anchor. A run whose fixes all stay within radius_m of its first fix (parked trucks,
   and every one-fix run on the road) is one segment at once; the others (crawling trucks)
   walk their anchor chains all together, one anchor per iteration (as many iterations as
   the longest crawl has anchors), each looking only at the fixes after the current anchors;
   a fix belongs to the latest anchor at or before it.
4. A segment is a stay when it holds 2 or more fixes and ended_at - started_at is
   min_duration_min or more, where ended_at is the first fix after the segment if it follows
   the segment's last fix within max_gap_min, else that last fix.
5. Conflicts: a plate with `min_teleports` or more steps (after step 1) of `teleport_m` or
   more, faster than `max_speed_kmh` (time apart counted as at least a second), is on two
   vehicles at once — a cloned plate (套牌) or two devices reporting one plate — and every
   stay of it is marked `conflict`. Their fixes interleave: two trucks parked 9 km apart,
   reporting every ten minutes, look like one truck shuttling between the places dozens of
   times a day, most steps at a possible speed, so the fixes cannot be told apart reliably;
   the stays are kept for the record, and places and detectors leave them out. A hazmat
   truck may drive 80 km/h; one-fix GPS jumps are gone after step 1.

How: DuckDB hands over four columns (one Arrow batch); the plate becomes an integer
(`pid`, dictionary-encoded: it sorts far faster than the Chinese text); numpy sorts the fixes
once by (pid, ts), packing pid, time and row into one int64, and finds steps, runs, segments
and stays with shifted comparisons and reductions over slices of the sorted arrays, in parts
of whole plates of ~131k fixes (small arrays stay in cache and reuse their memory); DuckDB
adds night and stay_id and writes `truck_stays`. No Python loop runs over fixes.
Distances compare squared metres on a local equirectangular scale (the longitude scale at
one of the two fixes); under 10 km that is within 0.1 % of haversine. Speed and the ratio to
trackintel: README, "Truck stays".

Differences from trackintel `generate_staypoints(method="sliding", dist_threshold=radius_m,
time_threshold=min_duration_min, gap_threshold=max_gap_min, include_last=True)`:

- trackintel does not break at a step; it compares every fix with the anchor. Ours ends the
  segment at a step of radius_m or more even when the new fix falls back within radius_m of
  the anchor (a jitter of more than radius_m in one step); rare, and step 1 removes most.
- trackintel resets the anchor after a gap longer than gap_threshold and drops the segment
  collected before it: a truck parked for two hours, silent for three and seen again on the
  same spot gives no staypoint before the gap. Ours keeps it as one stay with gap_parked.
- trackintel keeps one-fix staypoints (a fix followed by the next far one after
  time_threshold); we need two fixes, so sparse sampling on the road makes no stay.
- trackintel does not despike; a single jump splits its staypoint in two.
- trackintel measures haversine distance; ours is equirectangular (< 0.1 % apart < 10 km).
- trackintel's default include_last=False drops a stay still open when the series ends; ours
  keeps it, ending at the last fix (compare with include_last=True).

Known false positives: queueing at a toll gate or a jammed junction for min_duration_min;
known false negatives: a truck moved around a yard by more than radius_m in ten minutes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sites._sql import run, statements

_SQL = "stays.sql"
_M_PER_DEG = 111194.93  # metres per degree of latitude, and of longitude at the equator
_PART = 1 << 17  # fixes per pass: arrays of 1 MB stay in cache and their memory is reused


@dataclass(frozen=True)
class StayParams:
    """Thresholds of `detect_stays`; trackintel's names in brackets."""

    radius_m: float = 100.0  # [dist_threshold] how far a truck moves to leave a stay
    min_duration_min: float = 10.0  # [time_threshold] shortest stay
    max_gap_min: float = 15.0  # [gap_threshold] longer silences are data gaps (see module doc)
    night_start_hour: int = 22  # clock night begins (Beijing wall-clock)
    night_end_hour: int = 6  # clock night ends; wraps past midnight when below the start
    teleport_m: float = 2000.0  # a step this long …
    max_speed_kmh: float = 150.0  # … this fast is no drive (step 5) …
    min_teleports: int = 10  # … and this many of them put a plate on two vehicles

    def __post_init__(self) -> None:
        if (self.radius_m <= 0 or self.min_duration_min < 0 or self.max_gap_min <= 0
                or self.teleport_m < self.radius_m or self.max_speed_kmh <= 0
                or self.min_teleports < 1):
            raise ValueError(f"StayParams: thresholds must be positive, teleport_m ≥ radius_m: {self}")
        for hour in (self.night_start_hour, self.night_end_hour):
            if not 0 <= hour <= 23:
                raise ValueError(f"StayParams: night hours must be 0..23: {self}")


def detect_stays(con: duckdb.DuckDBPyConnection, params: StayParams = StayParams()) -> None:
    """Create or replace `truck_stays` from `vehicle_tracks` (see the module docstring)."""
    write_stays(con, stays_of_plates(con, params), params)


def stays_of_plates(con: duckdb.DuckDBPyConnection, params: StayParams = StayParams(),
                    shard: int = 0, n_shards: int = 1) -> pa.Table:
    """The stays (steps 1–4) of the plates with hash(plate) % n_shards = shard: plate,
    started_at, ended_at, lon, lat, n_points, gap_parked, one row per stay.

    Every step runs within one plate, so the stays of all shards together are the stays of
    all plates (a distributed screening finds each shard's on its own worker)."""
    # one Arrow batch: its columns are numpy arrays without a copy
    rows = con.execute("select count(*) from vehicle_tracks").fetchone()[0]
    fixes = con.execute(statements(_SQL)["fixes"], {"shard": shard, "n_shards": n_shards}
                        ).to_arrow_table(batch_size=max(rows, 1))
    plates = pc.dictionary_encode(fixes["plate"].combine_chunks())
    found = find_stays(
        plates.indices.to_numpy(),
        *(fixes[name].to_numpy() for name in ("t", "lon", "lat")),
        params,
    )
    del fixes
    return pa.table({
        "plate": plates.dictionary.take(found.pop("pid")),
        "started_at": pa.array(found.pop("started_us"), pa.timestamp("us")),
        "ended_at": pa.array(found.pop("ended_us"), pa.timestamp("us")),
        **found,
    })


def write_stays(con: duckdb.DuckDBPyConnection, stays: pa.Table,
                params: StayParams = StayParams()) -> None:
    """Create or replace `truck_stays` from the stays found (`stays_of_plates`, of one or all
    shards concatenated): night, duration and stay_id added, ordered by plate and start."""
    con.register("_stays_found", stays)
    try:
        run(con, _SQL, "night_macro")
        run(con, _SQL, "stays", asdict(params))
    finally:
        con.unregister("_stays_found")


def conflicted_plates(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, dt.date, dt.date]]:
    """Plates of `truck_stays` on two vehicles at once (step 5): (plate, stays, first day,
    last day), by plate."""
    return con.execute(statements(_SQL)["conflicted_plates"]).fetchall()


def find_stays(
    pid: np.ndarray, t: np.ndarray, lon: np.ndarray, lat: np.ndarray, params: StayParams
) -> dict[str, np.ndarray]:
    """The stays in fixes given as arrays in any order (steps 1–5 of the module docstring).

    pid: integer plate (0 or more); t: microseconds (int64); lon, lat: degrees. Returns the
    columns pid, started_us, ended_us, lon, lat (centroid), n_points, gap_parked and conflict,
    one row per stay, by pid and started_us.
    """
    parts = [
        _stays_in(pid_part, t_part, np.take(lon, rows), np.take(lat, rows), params)
        for pid_part, t_part, rows in _sorted_parts(pid, t)
    ]
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


def _stays_in(
    pid: np.ndarray, t: np.ndarray, lon: np.ndarray, lat: np.ndarray, params: StayParams
) -> dict[str, np.ndarray]:
    """`find_stays` on fixes sorted by pid, then t."""
    r2 = params.radius_m * params.radius_m
    gap_us = round(params.max_gap_min * 60e6)
    kx = np.radians(lat)
    np.cos(kx, out=kx)
    kx *= _M_PER_DEG  # metres per degree of longitude at the fix

    # 1. despike: fix i is a one-fix jump when it is far from both neighbours of its plate,
    # which are close to each other and at most max_gap apart
    same, step = _steps(pid, lon, lat, kx, r2)
    jump = np.zeros(t.size, dtype=bool)
    np.logical_and(step[1:-1], step[2:], out=jump[1:-1])
    jump[1:-1] &= same[1:-1]
    jump[1:-1] &= same[2:]
    i = np.flatnonzero(jump)  # far from both neighbours: driving fixes, mostly
    del jump
    close = ~_apart(lon[i - 1], lat[i - 1], lon[i + 1], lat[i + 1], kx[i], r2)
    i = i[close & (t[i + 1] - t[i - 1] <= gap_us)]
    if i.size:
        keep = np.ones(t.size, dtype=bool)
        keep[i] = False
        pid, t, lon, lat, kx, same, step = (a[keep] for a in (pid, t, lon, lat, kx, same, step))
        del keep
        # the fix after a jump (at its new position) steps from the kept fix before the jump
        after = i + 1 - np.searchsorted(i, i + 1)
        same[after] = pid[after] == pid[after - 1]
        step[after] = _apart(lon[after - 1], lat[after - 1], lon[after], lat[after], kx[after], r2)
    del i
    # 5. (on the despiked fixes) plates on two vehicles: min_teleports impossible steps
    conflict = _conflicts(pid, t, lon, lat, kx, same & step, params)

    # 2. runs: a new run at a new plate or at a step of radius_m or more, however long the gap
    n = t.size
    start = step | ~same
    after_gap = np.zeros(n, dtype=bool)
    np.greater(np.diff(t), gap_us, out=after_gap[1:])
    after_gap &= same
    del same, step
    run_at = np.flatnonzero(start)
    run_len = np.diff(run_at, append=n)

    # 3. segments: runs with a fix radius_m or more from their first fix (crawling trucks) are
    # cut by trackintel's sliding rule; every other run is one segment
    far = _apart(np.repeat(lon[run_at], run_len), np.repeat(lat[run_at], run_len), lon, lat, kx, r2)
    crawl = np.logical_or.reduceat(far, run_at) if n else np.zeros(0, dtype=bool)
    del far
    start[_sliding_anchors(run_at[crawl], run_len[crawl], lon, lat, kx, r2)] = True
    del run_at, run_len, crawl, kx

    # 4. stays: segments of 2 or more fixes lasting min_duration_min, ended by the next fix
    # unless that one follows a data gap
    seg_at = np.flatnonzero(start)
    seg_len = np.diff(seg_at, append=n)
    del start
    first = seg_at[seg_len >= 2]
    last = first + seg_len[seg_len >= 2] - 1
    nxt = np.minimum(last + 1, n - 1)
    follows = (last + 1 < n) & (pid[nxt] == pid[last]) & (t[nxt] - t[last] <= gap_us)
    ended = np.where(follows, t[nxt], t[last])
    stay = ended - t[first] >= params.min_duration_min * 60e6
    first, last, ended = first[stay], last[stay], ended[stay]
    n_points = last - first + 1
    return {
        "pid": pid[first],
        "started_us": t[first],
        "ended_us": ended,
        "lon": _range_reduce(np.add, lon, first, last + 1) / n_points,
        "lat": _range_reduce(np.add, lat, first, last + 1) / n_points,
        "n_points": n_points,
        # a gap before the anchor fix lies before the stay; only gaps inside it count
        "gap_parked": _range_reduce(np.logical_or, after_gap, first + 1, last + 1),
        "conflict": conflict[first],
    }


def _conflicts(pid, t, lon, lat, kx, moved, params: StayParams) -> np.ndarray:
    """Step 5: per fix, whether its plate made min_teleports steps of teleport_m or more faster
    than max_speed_kmh (fixes sorted by pid, then t; `moved`: a step of radius_m or more from
    the fix before of the same plate, which every such step is)."""
    at = np.flatnonzero(moved)
    seconds = np.maximum((t[at] - t[at - 1]) / 1e6, 1.0)
    metres = np.hypot((lon[at] - lon[at - 1]) * kx[at], (lat[at] - lat[at - 1]) * _M_PER_DEG)
    at = at[(metres >= params.teleport_m) & (metres > seconds * (params.max_speed_kmh / 3.6))]
    if at.size < params.min_teleports:
        return np.zeros(t.size, dtype=bool)
    plates, n = np.unique(pid[at], return_counts=True)
    return np.isin(pid, plates[n >= params.min_teleports])


def _sorted_parts(pid: np.ndarray, t: np.ndarray, size: int = _PART):
    """The fixes sorted by pid, then t, in parts of whole plates of about `size` fixes each:
    (pid, t, rows) per part, rows the fixes' positions in the input.

    The fast sort packs pid, t (in whole seconds or milliseconds when every fix falls on one)
    and the row into one int64; without room for the row that key is argsorted, without room
    for pid and t (a vast time span) the two are lexsorted.
    """
    n = t.size
    if n == 0:
        yield pid.astype(np.int64), t, np.zeros(0, dtype=np.int64)
        return
    t0 = int(t.min())
    unit = next((u for u in (1_000_000, 1_000) if not (t % u).any()), 1)
    t_bits = ((int(t.max()) - t0) // unit).bit_length()
    p_bits = int(pid.max()).bit_length()
    r_bits = (n - 1).bit_length() if p_bits + t_bits + (n - 1).bit_length() <= 62 else 0
    if p_bits + t_bits > 62:
        rows = np.lexsort((t, pid))
        key, t, shift = np.take(pid, rows).astype(np.int64), np.take(t, rows), 0
    else:
        key = pid.astype(np.int64)
        key <<= t_bits
        dt = t - t0
        dt //= unit
        key |= dt
        del dt
        if r_bits:
            key <<= r_bits
            key |= np.arange(n)
            key.sort()
        else:
            rows = np.argsort(key)
            key = np.take(key, rows)
        shift = t_bits + r_bits
    # cut after the plate running at every size-th fix
    at = np.searchsorted(key, ((key[size::size] >> shift) + 1) << shift)
    bounds = np.unique(np.concatenate([[0], at, [n]]))
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=False):
        if shift == 0:
            yield key[lo:hi], t[lo:hi], rows[lo:hi]
            continue
        part = key[lo:hi]
        part_rows = part & ((1 << r_bits) - 1) if r_bits else rows[lo:hi]
        part = part >> r_bits
        part_t = part & ((1 << t_bits) - 1)
        part_t *= unit
        part_t += t0
        part >>= t_bits
        yield part, part_t, part_rows


def _apart(lon1, lat1, lon2, lat2, kx, r2: float) -> np.ndarray:
    """Pairs radius_m or more apart: squared equirectangular metres, kx metres per degree of
    longitude at one of the two fixes (they are close when it matters)."""
    dx = lon2 - lon1
    dx *= kx
    dx *= dx
    dy = lat2 - lat1
    dy *= _M_PER_DEG
    dy *= dy
    dx += dy
    return dx >= r2


def _steps(pid, lon, lat, kx, r2: float) -> tuple[np.ndarray, np.ndarray]:
    """(same, step) of each fix: same plate as the fix before it, and radius_m or more from
    it (both false for the first fix)."""
    same = np.zeros(pid.size, dtype=bool)
    np.equal(pid[1:], pid[:-1], out=same[1:])
    step = np.zeros(pid.size, dtype=bool)
    step[1:] = _apart(lon[:-1], lat[:-1], lon[1:], lat[1:], kx[1:], r2)
    return same, step


def _sliding_anchors(run_at, run_len, lon, lat, kx, r2: float) -> np.ndarray:
    """Anchors after the first in runs [run_at, run_at + run_len): trackintel's sliding rule.

    The first fix radius_m or more from the anchor is the next anchor. All runs advance
    together, one anchor per iteration; each iteration looks only at fixes after the
    current anchors.
    """
    n_later = run_len - 1
    slot = np.repeat(np.arange(run_at.size), n_later)  # run of each later fix
    fix = np.arange(slot.size) + np.repeat(run_at + 1 - (np.cumsum(n_later) - n_later), n_later)
    anchor = run_at.copy()
    found = []
    while fix.size:
        a = anchor[slot]
        hit = np.flatnonzero(_apart(lon[a], lat[a], lon[fix], lat[fix], kx[fix], r2))
        if not hit.size:
            break
        hit_slot = slot[hit]
        hit = hit[np.r_[True, hit_slot[1:] != hit_slot[:-1]]]  # the first per run
        found.append(fix[hit])
        anchor[slot[hit]] = fix[hit]
        moved = np.zeros(run_at.size, dtype=bool)
        moved[slot[hit]] = True
        keep = moved[slot] & (fix > anchor[slot])
        fix, slot = fix[keep], slot[keep]
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _range_reduce(ufunc: np.ufunc, values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """ufunc over values[lo[k]:hi[k]] for each k (lo < hi, ranges ascending, disjoint)."""
    if lo.size == 0:
        return np.zeros(0, dtype=ufunc.reduce(values[:0]).dtype)
    at = np.empty(2 * lo.size, dtype=np.int64)
    at[0::2] = lo
    at[1::2] = hi
    if at[-1] == values.size:
        at = at[:-1]  # reduceat runs the last range to the end
    return ufunc.reduceat(values, at)[0::2]
