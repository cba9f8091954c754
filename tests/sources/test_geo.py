"""Geo macros (sources/geo.sql) against the coordtransform package as an oracle.

coordtransform's forward formulas (wgs84_to_gcj02, gcj02_to_bd09) are the published ones, so
ours must agree to 1e-9 degrees; its inverses are one-step approximations (~0.7 m typical,
several metres worst), so ours must agree within a few metres and round-trip to < 0.01 m.
"""

import coordTransform as ct
import duckdb
import numpy as np
import pyarrow as pa
import pytest

from sources.geo import convert, install_macros

N_POINTS = 3000


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    install_macros(con)
    return con


@pytest.fixture(scope="module")
def wgs() -> tuple[np.ndarray, np.ndarray]:
    """Random WGS-84 points inside coordtransform's (smaller) box of China, seeded."""
    rng = np.random.default_rng(20240601)
    return rng.uniform(73.7, 135.0, N_POINTS), rng.uniform(3.9, 53.5, N_POINTS)


def _pairs(con: duckdb.DuckDBPyConnection, sql: str, lon: np.ndarray, lat: np.ndarray):
    """Run `sql` (selecting two columns from table `pts(lon, lat)`) on the points, in order."""
    con.register("pts", pa.table({"lon": lon, "lat": lat}))
    out = con.execute(sql).fetchnumpy()
    con.unregister("pts")
    return tuple(np.asarray(v, dtype=np.float64) for v in out.values())


def _distance_m(con, lon1, lat1, lon2, lat2) -> np.ndarray:
    con.register("d", pa.table({"a": lon1, "b": lat1, "c": lon2, "e": lat2}))
    out = con.execute("select distance_m(a, b, c, e) as m from d").fetchnumpy()["m"]
    con.unregister("d")
    return np.asarray(out)


def _oracle(fn, lon, lat) -> tuple[np.ndarray, np.ndarray]:
    out_lon, out_lat = fn(lon, lat)
    return np.asarray(out_lon), np.asarray(out_lat)


FORWARD = [
    ("gcj02_from_wgs84", ct.wgs84_to_gcj02),
    ("bd09_from_wgs84", ct.wgs84_to_bd09),
    ("bd09_from_gcj02", ct.gcj02_to_bd09),
]


@pytest.mark.parametrize(("macro", "oracle"), FORWARD, ids=[m for m, _ in FORWARD])
def test_forward_matches_oracle(con, wgs, macro, oracle):
    got = _pairs(con, f"select {macro}_lon(lon, lat), {macro}_lat(lon, lat) from pts", *wgs)
    want = _oracle(oracle, *wgs)
    np.testing.assert_allclose(got[0], want[0], rtol=0, atol=1e-9)
    np.testing.assert_allclose(got[1], want[1], rtol=0, atol=1e-9)


ROUND_TRIPS = [
    ("gcj02_from_wgs84", "wgs84_from_gcj02"),
    ("bd09_from_wgs84", "wgs84_from_bd09"),
    ("bd09_from_gcj02", "gcj02_from_bd09"),
]


@pytest.mark.parametrize(("there", "back"), ROUND_TRIPS, ids=[b for _, b in ROUND_TRIPS])
def test_inverse_round_trip_under_1_cm(con, wgs, there, back):
    """wgs→x→wgs with the struct macros; the _lon/_lat pair must give the same numbers."""
    moved = _pairs(con, f"select p.lon, p.lat from (select {there}(lon, lat) p from pts)", *wgs)
    back_struct = _pairs(con, f"select p.lon, p.lat from (select {back}(lon, lat) p from pts)",
                         *moved)
    back_pair = _pairs(con, f"select {back}_lon(lon, lat), {back}_lat(lon, lat) from pts", *moved)
    np.testing.assert_array_equal(back_struct[0], back_pair[0])
    np.testing.assert_array_equal(back_struct[1], back_pair[1])
    error_m = _distance_m(con, *back_struct, *wgs)
    assert error_m.max() < 0.01, f"worst round-trip error {error_m.max():.4f} m"


INVERSE = [
    ("wgs84_from_gcj02", ct.wgs84_to_gcj02, ct.gcj02_to_wgs84),
    ("wgs84_from_bd09", ct.wgs84_to_bd09, ct.bd09_to_wgs84),
    ("gcj02_from_bd09", ct.gcj02_to_bd09, ct.bd09_to_gcj02),
]


@pytest.mark.parametrize(("macro", "forward", "inverse"), INVERSE, ids=[m for m, *_ in INVERSE])
def test_inverse_close_to_oracle_inverse(con, wgs, macro, forward, inverse):
    """The oracle's one-step inverse is within its known error of ours (worst ~5 m, GCJ)."""
    moved = _oracle(forward, *wgs)
    ours = _pairs(con, f"select {macro}_lon(lon, lat), {macro}_lat(lon, lat) from pts", *moved)
    theirs = _oracle(inverse, *moved)
    gap_m = _distance_m(con, *ours, *theirs)
    assert np.median(gap_m) < 1.0
    assert gap_m.max() < 6.0


def test_outside_china_unchanged(con):
    """GCJ-02 steps pass points outside the box through; BD-09's twist applies everywhere."""
    lon = np.array([-0.1276, 139.6917, 72.0, 100.0, 2.3522])
    lat = np.array([51.5072, 35.6895, 30.0, 56.0, 48.8566])
    for macro in ("gcj02_from_wgs84", "wgs84_from_gcj02"):
        got = _pairs(con, f"select {macro}_lon(lon, lat), {macro}_lat(lon, lat) from pts",
                     lon, lat)
        np.testing.assert_array_equal(got[0], lon)
        np.testing.assert_array_equal(got[1], lat)


def test_null_coordinate_gives_null(con):
    """A point with one missing coordinate is not a point: both outputs are NULL."""
    row = con.execute(
        """
        select gcj02_from_wgs84_lon(116.4, null), gcj02_from_wgs84_lat(null, 39.9),
               wgs84_from_gcj02_lon(0.0, null), wgs84_from_bd09_lat(null, 39.9),
               to_wgs84_lon(null, 39.9, 'GCJ02')
        """
    ).fetchone()
    assert row == (None, None, None, None, None)


def test_to_wgs84_by_crs(con):
    """WGS84 and NULL pass through; GCJ02/BD09 dispatch to the inverses; other text raises."""
    rows = con.execute(
        """
        select crs, to_wgs84_lon(lon, lat, crs) = want_lon and to_wgs84_lat(lon, lat, crs) = want_lat
        from (values
            ('WGS84', 116.4, 39.9, 116.4, 39.9),
            (null, 116.4, 39.9, 116.4, 39.9),
            ('GCJ02', 116.4, 39.9, wgs84_from_gcj02_lon(116.4, 39.9),
                wgs84_from_gcj02_lat(116.4, 39.9)),
            ('BD09', 116.4, 39.9, wgs84_from_bd09_lon(116.4, 39.9),
                wgs84_from_bd09_lat(116.4, 39.9))
        ) t(crs, lon, lat, want_lon, want_lat)
        """
    ).fetchall()
    assert all(ok for _, ok in rows), rows
    with pytest.raises(duckdb.InvalidInputException, match="unknown crs"):
        con.execute("select to_wgs84_lon(116.4, 39.9, 'UTM50N')").fetchall()


CRS_CASES = [
    (None, "WGS84"),
    ("", "WGS84"),
    ("  ", "WGS84"),
    ("WGS84", "WGS84"),
    ("wgs-84", "WGS84"),
    (" wgs 84 ", "WGS84"),
    ("GPS", "WGS84"),
    ("4326", "WGS84"),
    ("epsg:4326", "WGS84"),
    ("GCJ02", "GCJ02"),
    ("gcj-02", "GCJ02"),
    ("火星坐标", "GCJ02"),
    ("高德", "GCJ02"),
    ("\u3000腾讯 ", "GCJ02"),  # full-width space, as pasted from a Chinese form
    ("国测局", "GCJ02"),
    ("BD09", "BD09"),
    ("bd-09", "BD09"),
    ("百度", "BD09"),
    ("bd09ll", "BD09"),
    ("BD09MC", None),  # Baidu Mercator metres, not degrees: must be rejected
    ("UTM", None),
    ("CGCS2000", None),
    ("北京54", None),
    ("?", None),
]


@pytest.mark.parametrize(("text", "want"), CRS_CASES)
def test_crs_norm(con, text, want):
    assert con.execute("select crs_norm(?::varchar)", [text]).fetchone()[0] == want


def test_distance_m_known_values(con):
    """One degree of latitude is R·π/180 = 111,195.08 m; same point 0; NULL stays NULL."""
    one_degree, zero, null, equator_lon = con.execute(
        """
        select distance_m(116.0, 39.0, 116.0, 40.0), distance_m(116.4, 39.9, 116.4, 39.9),
               distance_m(116.4, null, 116.4, 39.9), distance_m(0.0, 0.0, 1.0, 0.0)
        """
    ).fetchone()
    assert one_degree == pytest.approx(111_195.08, abs=0.01)
    assert equator_lon == pytest.approx(111_195.08, abs=0.01)
    assert zero == 0.0
    assert null is None


def test_convert_matches_macros_and_keeps_order(con, wgs):
    """convert() is the macros on numpy arrays, row for row; src == dst copies."""
    lon, lat = wgs
    got = convert(lon, lat, "WGS84", "BD09")
    want = _oracle(ct.wgs84_to_bd09, lon, lat)
    np.testing.assert_allclose(got[0], want[0], rtol=0, atol=1e-9)
    np.testing.assert_allclose(got[1], want[1], rtol=0, atol=1e-9)
    back = convert(*got, "BD09", "WGS84")
    assert _distance_m(con, *back, lon, lat).max() < 0.01
    same = convert(lon, lat, "GCJ02", "GCJ02")
    assert same[0] is not lon and np.array_equal(same[0], lon)


def test_convert_rejects_bad_input():
    with pytest.raises(ValueError, match="crs"):
        convert(np.zeros(2), np.zeros(2), "WGS84", "UTM")
    with pytest.raises(ValueError, match="1-D"):
        convert(np.zeros(2), np.zeros(3), "WGS84", "GCJ02")
