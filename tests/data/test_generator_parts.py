"""Pieces of the generator on tiny inputs: messy coordinates, USCC check, province mapping."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from data.generator.mess import crs_mix
from data.generator.province import plain
from data.generator.texts import uscc_check


def test_messy_coordinates_say_their_system_and_convert_back():
    """Part of the points are rewritten to GCJ-02/BD-09 (a few hundred metres off) and say so;
    the ingest's converter brings every one back to within a centimetre."""
    from sources.geo import convert

    lon = np.array([111.22, 111.04, 111.67, 111.30] * 25)
    lat = np.array([35.14, 34.93, 35.31, 35.05] * 25)
    df = crs_mix(pl.DataFrame({"经度": lon, "纬度": lat}), np.random.default_rng(1), 0.4, 0.3)
    assert set(df["坐标系"]) == {"WGS84", "GCJ02", "BD09"}
    back_lon, back_lat = lon.copy(), lat.copy()
    for crs in ("GCJ02", "BD09"):
        m = (df["坐标系"] == crs).to_numpy()
        assert np.all(np.abs(df["经度"].to_numpy()[m] - lon[m]) > 1e-3)
        back_lon[m], back_lat[m] = convert(df["经度"].to_numpy()[m], df["纬度"].to_numpy()[m], crs, "WGS84")
    # rounding to 6 decimals (~0.1 m) is the only loss
    assert np.max(np.hypot((back_lon - lon) * 91_000, (back_lat - lat) * 111_000)) < 0.2


def test_uscc_check_on_a_published_example():
    assert uscc_check("91350100M000100Y4") == "3"


def test_province_rows_take_contract_labels():
    """Internal names become Chinese labels; 动力电 becomes 是/否; unknown columns go."""
    rows = [dict(account_no="0358000001", account_name="张三", address="某村", tariff_class="居民生活用电",
                 three_phase=True, opened_on=date(2020, 1, 1), profile="res"),
            dict(account_no="0358000004", account_name="李四", address="某村", tariff_class="居民生活用电",
                 three_phase=False, opened_on=date(2021, 1, 1), profile="res")]
    df = plain(rows, "power_accounts")
    assert df.columns == ["户号", "户名", "用电地址", "用电类别", "动力电", "立户日期"]
    assert df["动力电"].to_list() == ["是", "否"]
    assert df["户号"].dtype == pl.Utf8


def _inside_inline(ring, lon, lat):
    """`geography.inside` as it was written before its edges were cached (the reference)."""
    x1, y1 = ring[:-1, 0], ring[:-1, 1]
    x2, y2 = ring[1:, 0], ring[1:, 1]
    px, py = np.asarray(lon)[:, None], np.asarray(lat)[:, None]
    cross = (y1 > py) != (y2 > py)
    with np.errstate(divide="ignore", invalid="ignore"):
        xint = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
    return (cross & (px < xint)).sum(axis=1) % 2 == 1


def test_inside_same_as_the_inline_formula():
    """Cached edges (horizontal ones included) give the very same answers, points on the
    ring's vertices and edges too."""
    from data.generator.geography import inside

    rng = np.random.default_rng(3)
    ring = np.array([[0, 0], [4, 0], [4, 3], [2, 3], [2, 1], [0, 1], [0, 0]], float)
    lon = np.r_[rng.uniform(-1, 5, 5000), ring[:, 0], [1.0, 3.0, 2.0]]
    lat = np.r_[rng.uniform(-1, 4, 5000), ring[:, 1], [0.0, 3.0, 2.0]]
    assert (inside(ring, lon, lat) == _inside_inline(ring, lon, lat)).all()
    assert (inside(ring * 1.0, lon, lat) == _inside_inline(ring, lon, lat)).all()  # another ring


def test_word_draws_from_arrays_same_as_from_lists():
    """Names, phones, plates and codes drawn from the cached arrays equal the draws from the
    lists they replaced, from the same generator state."""
    from data.generator import texts as tx

    def person_from_lists(rng):
        n = 2 if rng.random() < 0.7 else 1
        return str(rng.choice(tx.SURNAMES)) + "".join(rng.choice(tx.GIVEN, n))

    def plate_from_lists(rng):
        return "晋M" + str(rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ"))) + "".join(
            rng.choice(list("0123456789"), 4))

    a, b = np.random.default_rng(5), np.random.default_rng(5)
    for _ in range(200):
        assert tx.person(a) == person_from_lists(b)
        assert tx.plate(a) == plate_from_lists(b)
    assert a.random() == b.random()


def test_province_blocks_draw_their_own_plates_waybill_and_permit_numbers():
    """Two blocks whose trucks drew the same plate and waybill number, and whose plants drew the
    same permit number: after own_keys no key is shared, and the truth's plates follow."""
    from types import SimpleNamespace

    from data.generator.province import own_keys

    def block(b):
        pts = pl.DataFrame({"车牌号": ["晋MS9583", "豫CA1234"], "定位时间": [1, 2]})
        wb = pl.DataFrame({"运单编号": ["YD2026111600001"], "车牌号": ["晋MS9583"]})
        c = SimpleNamespace(sites=[{"plates": ["晋MS9583"]}], decoys=[{"plates": []}],
                            permits=[{"permit_no": "(晋)WH安许证字[2023]945"}])
        pts, wb = own_keys(b, pts, wb, c)
        return pts, wb, c

    (p0, w0, c0), (p7, w7, c7) = block(0), block(7)
    assert set(p0["车牌号"]).isdisjoint(p7["车牌号"]) and set(w0["运单编号"]).isdisjoint(w7["运单编号"])
    assert p7["车牌号"].to_list() == ["晋MA7000", "豫CA7001"]  # the region kept, numbered per block
    assert w7.row(0) == ("YD2026111600700001", "晋MA7000")
    assert c7.sites[0]["plates"] == ["晋MA7000"] and c7.permits[0]["permit_no"] == "(晋)WH安许证字[2023]007945"
    assert c0.permits[0]["permit_no"] != c7.permits[0]["permit_no"]
