"""Pieces of the generator on tiny inputs: coordinate transforms, USCC check, province mapping."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from data.generator.coords import gcj02_to_wgs84, wgs84_to_bd09, wgs84_to_gcj02
from data.generator.province import plain
from data.generator.texts import uscc_check


def test_gcj_round_trip_under_a_centimetre():
    """夏县 seat and two corners: GCJ offset is a few hundred metres, the inverse undoes it."""
    lon = np.array([111.22, 111.04, 111.67])
    lat = np.array([35.14, 34.93, 35.31])
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert np.all(np.hypot(glon - lon, glat - lat) > 1e-3)
    wlon, wlat = gcj02_to_wgs84(glon, glat)
    assert np.max(np.hypot((wlon - lon) * 91_000, (wlat - lat) * 111_000)) < 0.01
    blon, blat = wgs84_to_bd09(lon, lat)
    assert np.all(blon - glon > 0.005) and np.all(blat - glat > 0.005)


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
