"""Helpers for hand-made frames: fixes given in minutes and metres around one point."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import duckdb

LON0, LAT0 = 112.55, 37.85
BASE = datetime(2026, 11, 30, 10, 0)
M_PER_DEG_LAT = 111_320.0

Fix = tuple[str, float, float | None, float | None]  # plate, minute from BASE, east_m, north_m


def lonlat(east_m: float, north_m: float) -> tuple[float, float]:
    return (
        LON0 + east_m / (M_PER_DEG_LAT * math.cos(math.radians(LAT0))),
        LAT0 + north_m / M_PER_DEG_LAT,
    )


def at(minute: float, base: datetime = BASE) -> datetime:
    return base + timedelta(minutes=minute)


def load_tracks(con: duckdb.DuckDBPyConnection, fixes: list[Fix], base: datetime = BASE) -> None:
    """Create `vehicle_tracks` holding `fixes` in the given (not necessarily time) order."""
    con.execute(
        "create or replace table vehicle_tracks (plate varchar, ts timestamp, lon double,"
        " lat double, speed_kmh double, heading_deg double)"
    )
    rows = []
    for plate, minute, east_m, north_m in fixes:
        lon, lat = (None, None) if east_m is None or north_m is None else lonlat(east_m, north_m)
        rows.append((plate, at(minute, base), lon, lat, None, None))
    if rows:
        con.executemany("insert into vehicle_tracks values (?, ?, ?, ?, ?, ?)", rows)


def parked(plate: str, minutes: range, east_m: float = 0.0, north_m: float = 0.0) -> list[Fix]:
    """Fixes of a parked truck with a deterministic jitter of up to 8 m."""
    return [
        (plate, m, east_m + 8 * math.sin(3 * m), north_m + 8 * math.cos(5 * m)) for m in minutes
    ]
