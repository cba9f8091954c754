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

Definition, per plate in time order (exact (plate, ts) duplicates are already removed):

1. Despike: a fix is dropped when it is radius_m or more from both neighbours while those
   two are within radius_m of each other and at most max_gap_min apart (a one-fix GPS jump).
   Steps skip over a dropped fix. (Two jumps in a row are not recognised.)
2. Runs: a new run starts where one step moves radius_m or more. A data gap alone does not
   break a run: a truck that vanishes and reappears within radius_m stays in its run (it was
   parked, the stay gets gap_parked); one that reappears farther starts a new run.
3. Segments: inside a run, trackintel's sliding rule exactly: the run's first fix is the
   anchor, the first fix radius_m or more from the anchor ends the segment and becomes the
   next anchor. A run whose fixes all stay within radius_m of its first fix (parked trucks,
   and every one-fix run on the road) is one segment at once; for the others (crawling
   trucks) one recursive SQL statement walks the anchor chains of all of them together, one
   anchor per iteration (as many iterations as the longest crawl has anchors), and an ASOF
   join gives each fix the latest anchor at or before it.
4. A segment is a stay when it holds 2 or more fixes and ended_at - started_at is
   min_duration_min or more, where ended_at is the first fix after the segment if it follows
   the segment's last fix within max_gap_min, else that last fix.

Windows are partitioned by an integer surrogate of the plate (`pid`, one per distinct plate:
it sorts faster than the Chinese text) and ordered by ts; run anchors are found with an ASOF
join on (pid, ts). Distances compare squared metres on a local equirectangular scale (the
longitude scale at one of the two fixes); under 10 km that is within 0.1 % of haversine.

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

from dataclasses import asdict, dataclass
from datetime import timedelta

import duckdb

from sites._sql import run

_SQL = "stays.sql"


@dataclass(frozen=True)
class StayParams:
    """Thresholds of `detect_stays`; trackintel's names in brackets."""

    radius_m: float = 100.0  # [dist_threshold] how far a truck moves to leave a stay
    min_duration_min: float = 10.0  # [time_threshold] shortest stay
    max_gap_min: float = 15.0  # [gap_threshold] longer silences are data gaps (see module doc)
    night_start_hour: int = 22  # clock night begins (Beijing wall-clock)
    night_end_hour: int = 6  # clock night ends; wraps past midnight when below the start

    def __post_init__(self) -> None:
        if self.radius_m <= 0 or self.min_duration_min < 0 or self.max_gap_min <= 0:
            raise ValueError(f"StayParams: thresholds must be positive: {self}")
        for hour in (self.night_start_hour, self.night_end_hour):
            if not 0 <= hour <= 23:
                raise ValueError(f"StayParams: night hours must be 0..23: {self}")


def detect_stays(con: duckdb.DuckDBPyConnection, params: StayParams = StayParams()) -> None:
    """Create or replace `truck_stays` from `vehicle_tracks` (see the module docstring)."""
    bound = asdict(params) | {
        "max_gap": timedelta(minutes=params.max_gap_min),
        "max_gap_us": round(params.max_gap_min * 60e6),  # minutes -> microseconds
    }
    run(con, _SQL, "jump_macro")
    run(con, _SQL, "night_macro")
    run(con, _SQL, "fixes", bound)
    run(con, _SQL, "refined")
    run(con, _SQL, "anchors", bound)
    run(con, _SQL, "stays", bound)
    run(con, _SQL, "cleanup")
