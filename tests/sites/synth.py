"""Synthetic multi-truck GPS series, generated (never committed) for oracle tests and benchmarks.

Each truck alternates stops and drives between places drawn from a shared pool (so trucks meet
at the same places). Stops last 2–180 min with GPS jitter; drives go straight at 25–70 km/h,
a share of them crawl at 2–8 km/h (traffic). Fixes every `interval_s`. Fully vectorised.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LON0, LAT0 = 112.55, 37.85  # a county in Shanxi
M_PER_DEG_LAT = 111_320.0


def tracks(
    n_trucks: int,
    n_stops: int,
    seed: int = 7,
    interval_s: float = 30.0,
    n_places: int = 300,
    jitter_m: float = 6.0,
    crawl_share: float = 0.05,
    n_gaps: int = 0,
    spike_share: float = 0.0,
) -> pd.DataFrame:
    """A frame plate, ts, lon, lat, speed_kmh, heading_deg in time order per plate.

    `n_gaps` blocks of 20–100 min of fixes are removed (signal lost); a `spike_share` of
    fixes jumps 300–1,000 m away (GPS noise).
    """
    rng = np.random.default_rng(seed)
    place_xy = rng.uniform(-15_000, 15_000, size=(n_places, 2))  # metres around LON0, LAT0
    stop_place = rng.integers(0, n_places, size=(n_trucks, n_stops))
    # no stop at the same place twice in a row, else the drive between has length zero
    same = np.zeros_like(stop_place, dtype=bool)
    same[:, 1:] = stop_place[:, 1:] == stop_place[:, :-1]
    stop_place = np.where(same, (stop_place + 1) % n_places, stop_place)
    stop_min = rng.uniform(2, 180, size=(n_trucks, n_stops))

    xy_from = place_xy[stop_place[:, :-1]]
    xy_to = place_xy[stop_place[:, 1:]]
    drive_m = np.hypot(*(xy_to - xy_from).transpose(2, 0, 1))
    crawl = rng.random(drive_m.shape) < crawl_share
    speed_kmh = np.where(crawl, rng.uniform(2, 8, drive_m.shape), rng.uniform(25, 70, drive_m.shape))
    drive_m = np.where(crawl, np.minimum(drive_m, 1_500), drive_m)  # a crawl lasts ≤ 1.5 km
    drive_min = drive_m / (speed_kmh / 3.6) / 60

    # events per truck: stop 0, drive 0, stop 1, drive 1, ..., stop n-1
    n_ev = 2 * n_stops - 1
    ev_min = np.zeros((n_trucks, n_ev))
    ev_min[:, 0::2] = stop_min
    ev_min[:, 1::2] = drive_min
    ev_start_s = np.cumsum(np.concatenate([np.zeros((n_trucks, 1)), ev_min[:, :-1]], 1), 1) * 60
    ev_start_s += rng.uniform(0, 86_400, size=(n_trucks, 1))  # trucks start at any hour
    ev_n = np.maximum(1, np.ceil(ev_min * 60 / interval_s)).astype(np.int64)

    flat_n = ev_n.ravel()
    ev_idx = np.repeat(np.arange(flat_n.size), flat_n)
    first = np.repeat(np.cumsum(flat_n) - flat_n, flat_n)
    k = np.arange(ev_idx.size) - first  # fix number inside its event
    truck = ev_idx // n_ev
    ev = ev_idx % n_ev
    is_stop = ev % 2 == 0
    t_s = ev_start_s.ravel()[ev_idx] + k * interval_s

    stop_xy = place_xy[stop_place[truck, ev // 2]]
    leg = np.minimum(ev // 2, n_stops - 2)
    a, b = place_xy[stop_place[truck, leg]], place_xy[stop_place[truck, leg + 1]]
    frac = np.clip(k * interval_s / np.maximum(ev_min.ravel()[ev_idx] * 60, 1e-9), 0, 1)
    drive_xy = a + (b - a) * frac[:, None]
    xy = np.where(is_stop[:, None], stop_xy, drive_xy) + rng.normal(0, jitter_m, (t_s.size, 2))

    spike = rng.random(t_s.size) < spike_share
    angle = rng.uniform(0, 2 * np.pi, t_s.size)
    jump_m = rng.uniform(300, 1_000, t_s.size)
    xy[spike, 0] += (jump_m * np.cos(angle))[spike]
    xy[spike, 1] += (jump_m * np.sin(angle))[spike]
    keep = np.ones(t_s.size, dtype=bool)
    for start in rng.integers(0, t_s.size, size=n_gaps):
        keep[start : start + int(rng.uniform(20, 100) * 60 / interval_s)] = False

    lat = LAT0 + xy[:, 1] / M_PER_DEG_LAT
    lon = LON0 + xy[:, 0] / (M_PER_DEG_LAT * np.cos(np.radians(LAT0)))
    plates = np.array([f"晋M{i:05d}" for i in range(n_trucks)])
    speed = np.where(is_stop, 0.0, speed_kmh.ravel()[(truck * (n_stops - 1) + leg)])
    frame = pd.DataFrame(
        {
            "plate": plates[truck],
            "ts": pd.Timestamp("2026-11-02") + pd.to_timedelta(np.round(t_s), unit="s"),
            "lon": lon,
            "lat": lat,
            "speed_kmh": speed,
            "heading_deg": np.full(t_s.size, np.nan),
        }
    )
    return frame[keep].reset_index(drop=True)
