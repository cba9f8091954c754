"""WGS-84 / GCJ-02 / BD-09 coordinate conversion, as DuckDB macros (`geo.sql`).

The formulas live only in SQL. `install_macros` puts them on a connection for the source
adapters (`to_wgs84_lon(lon, lat, crs_norm(坐标系))`); `convert` runs them on numpy arrays for
Python code that needs a conversion outside a query, e.g. a data generator going WGS→GCJ/BD.

Accuracy: forward formulas are the published ones; inverses iterate them to < 1 mm (the
usual one-step GCJ-02 inverse is off by up to ~5 m). Points outside the rough box of China
are passed through unchanged by the GCJ-02 steps, as in every implementation.
"""

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

SQL_PATH = Path(__file__).with_name("geo.sql")
CRS = ("WGS84", "GCJ02", "BD09")

# (src, dst) -> struct macro of geo.sql returning {lon, lat}; names only from this table.
_MACRO = {
    ("WGS84", "GCJ02"): "gcj02_from_wgs84",
    ("GCJ02", "WGS84"): "wgs84_from_gcj02",
    ("GCJ02", "BD09"): "bd09_from_gcj02",
    ("BD09", "GCJ02"): "gcj02_from_bd09",
    ("WGS84", "BD09"): "bd09_from_wgs84",
    ("BD09", "WGS84"): "wgs84_from_bd09",
}


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Create (or replace) the geo macros on `con`."""
    con.execute(SQL_PATH.read_text(encoding="utf-8"))


def convert(
    lon: np.ndarray, lat: np.ndarray, src: str, dst: str
) -> tuple[np.ndarray, np.ndarray]:
    """Convert degrees from `src` to `dst` ('WGS84', 'GCJ02' or 'BD09'), element by element.

    Returns new float64 arrays of the input's length; NaN stays NaN.
    """
    if src not in CRS or dst not in CRS:
        raise ValueError(f"crs must be one of {CRS}, got src={src!r}, dst={dst!r}")
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    if lon.ndim != 1 or lon.shape != lat.shape:
        raise ValueError(f"lon and lat must be 1-D of one length, got {lon.shape}, {lat.shape}")
    if src == dst:
        return lon.copy(), lat.copy()
    con = duckdb.connect()
    try:
        install_macros(con)
        con.register("points", pa.table({"lon": lon, "lat": lat}))
        # Insertion order is preserved (DuckDB's default), so row i out is point i in.
        out = con.execute(
            f"select p.lon, p.lat from (select {_MACRO[src, dst]}(lon, lat) as p from points)"
        ).fetchnumpy()
    finally:
        con.close()
    return np.asarray(out["lon"], dtype=np.float64), np.asarray(out["lat"], dtype=np.float64)
