"""trackintel's `generate_staypoints` as the reference for `detect_stays`, and the agreement."""

from __future__ import annotations

import warnings

import duckdb
import geopandas as gpd
import pandas as pd

from sites.stays import StayParams


def trackintel_staypoints(fixes: pd.DataFrame, params: StayParams) -> pd.DataFrame:
    """plate, started_at, ended_at, lon, lat of trackintel's sliding staypoints (naive times)."""
    import trackintel as ti

    gdf = gpd.GeoDataFrame(
        {
            "user_id": fixes["plate"].to_numpy(),
            "tracked_at": pd.to_datetime(fixes["ts"]).dt.tz_localize("Asia/Shanghai"),
        },
        geometry=gpd.points_from_xy(fixes["lon"], fixes["lat"]),
        crs="EPSG:4326",
    ).reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, sp = ti.Positionfixes(gdf).generate_staypoints(
            method="sliding",
            dist_threshold=params.radius_m,
            time_threshold=params.min_duration_min,
            gap_threshold=params.max_gap_min,
            include_last=True,
        )
    return pd.DataFrame(
        {
            "plate": sp["user_id"].to_numpy(),
            "started_at": sp["started_at"].dt.tz_localize(None).to_numpy(),
            "ended_at": sp["finished_at"].dt.tz_localize(None).to_numpy(),
            "lon": sp.geometry.x.to_numpy(),
            "lat": sp.geometry.y.to_numpy(),
        }
    )


def agreement(ours: pd.DataFrame, theirs: pd.DataFrame, within_m: float) -> tuple[float, float]:
    """(share of theirs matched by ours, share of ours matched by theirs).

    A stay matches when the other side has one of the same plate whose centroid lies within
    `within_m` and whose time span overlaps.
    """
    con = duckdb.connect()
    con.register("ours", ours)
    con.register("theirs", theirs)
    row = con.execute(
        """
        with
        o as (select row_number() over () as o_id, plate, started_at, ended_at, lon, lat from ours),
        t as (select row_number() over () as t_id, plate, started_at, ended_at, lon, lat from theirs),
        pairs as (
            select o.o_id, t.t_id
            from o
            inner join t
                on o.plate = t.plate
                and o.started_at < t.ended_at and t.started_at < o.ended_at
            -- degrees -> metres, equirectangular
            where 6371008.8 * sqrt(
                power(radians(o.lon - t.lon) * cos(radians(o.lat)), 2)
                + power(radians(o.lat - t.lat), 2)) <= $within_m
        )
        select
            (select count(distinct t_id) from pairs) / greatest((select count(*) from theirs), 1),
            (select count(distinct o_id) from pairs) / greatest((select count(*) from ours), 1)
        """,
        {"within_m": within_m},
    ).fetchone()
    return float(row[0]), float(row[1])
