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
