"""power_yoy on hand-made daily series (400 days to AS_OF)."""

import json

import pytest

from detectors import power_surge, power_yoy
from detectors.base import EVIDENCE
from tests.detectors.frames import AS_OF, account, connect, daily, insert, one_site_per_account

N = 400


def _frame():
    """A: a house at 4 kWh/day that draws 30 on most days since 200 days ago (batch days at
    4 between them) — no surge in the last months, three times last year's season. B: electric
    heating, 40 kWh/day in the same weeks last year and this year. C: an irrigation round of
    300 kWh/day this year 10 days later than last year's. D: opened 100 days ago. E: A's series
    on an account named 3号机井. F: 4 → 15 kWh/day (too small an increase). G: 4 → 50 kWh/day
    three weeks ago: a fresh surge, power_surge's finding, not counted twice here."""
    con = connect()
    insert(con, "power_accounts", [
        account("A", "居民生活用电", "张三", three_phase=False), account("B", "居民生活用电", "李四"),
        account("C", "农业生产用电", "某合作社"), account("D"),
        account("E", "农业生产用电", "东村3号机井"), account("F", "居民生活用电", "王五"),
        account("G", "居民生活用电", "赵六")])
    batch = [4.0] * (N - 200) + [4.0 if i % 3 == 0 else 30.0 for i in range(200)]
    heating = [40.0 if (N - 364 - 40 <= i < N - 364 + 10) or i >= N - 40 else 4.0 for i in range(N)]
    rounds = [300.0 if (N - 364 - 30 <= i < N - 364 - 10) or (N - 20 <= i) else 5.0 for i in range(N)]
    insert(con, "power_readings_daily",
           daily("A", batch) + daily("B", heating) + daily("C", rounds) + daily("D", [200.0] * 100)
           + daily("E", batch) + daily("F", [4.0] * (N - 60) + [15.0] * 60)
           + daily("G", [4.0] * (N - 21) + [50.0] * 21))
    one_site_per_account(con)
    return con


def test_a_load_new_since_last_year_is_flagged_seasons_are_not():
    con = _frame()
    ev = power_yoy.detect(con, AS_OF)
    assert ev.schema == EVIDENCE
    rows = {r["site_id"]: r | {"facts": json.loads(r["facts"])} for r in ev.to_pylist()}
    assert set(rows) == {"S-A", "S-E"}
    a = rows["S-A"]
    assert a["facts"]["now_kwh"] == 30 and a["facts"]["last_year_kwh"] == 4
    assert 0.4 < a["score"] < 0.6 and "同比为 6.0 倍" in a["reason"]
    # the pump's rounds move from year to year: half
    assert rows["S-E"]["score"] == pytest.approx(a["score"] * power_yoy.Params().pump_discount, abs=1e-3)
    assert "机井" in rows["S-E"]["reason"]
    # what power_yoy is for: the rise is half a year old, inside power_surge's baseline
    surges = {r["site_id"] for r in power_surge.detect(con, AS_OF).to_pylist()}
    assert "S-A" not in surges and "S-G" in surges


def test_an_increase_drawn_by_day_weighs_less_than_one_drawn_at_night():
    """20 → 300 kWh/day since 150 days: DAY keeps its valley kWh (a day shift), NIGHT draws the
    increase with a 40 % valley share."""
    con = connect()
    insert(con, "power_accounts", [account("DAY"), account("NIGHT")])
    series = [20.0] * (N - 150) + [300.0] * 150
    day = daily("DAY", series, valley_share=0.2)
    for r in day[-150:]:
        r["kwh_valley"], r["kwh_peak"] = 4.0, r["kwh_total"] - 4.0 - r["kwh_flat"]
    insert(con, "power_readings_daily", day + daily("NIGHT", series, valley_share=0.4))
    one_site_per_account(con)
    rows = {r["site_id"]: r for r in power_yoy.detect(con, AS_OF).to_pylist()}
    assert rows["S-DAY"]["score"] == pytest.approx(rows["S-NIGHT"]["score"] * power_yoy.Params().day_factor, abs=1e-3)
    assert "似白天增开班次" in rows["S-DAY"]["reason"]


def test_empty_warehouse_gives_empty_evidence():
    ev = power_yoy.detect(connect(), AS_OF)
    assert ev.num_rows == 0 and ev.schema == EVIDENCE


def test_a_smaller_rise_counts_when_the_added_energy_is_drawn_at_night():
    """Both firms draw 1,000 kWh/day last year and 2,000 for the last five months. NIGHT added a
    unit running at night (the increase 70 % in the 谷 hours), DAY a day shift (20 %): only NIGHT
    is flagged, a 2× rise being below min_ratio."""
    con = connect()
    insert(con, "power_accounts", [account("DAY"), account("NIGHT")])
    series = [1000.0] * (N - 150) + [2000.0] * 150
    night, day = daily("NIGHT", series, valley_share=0.2), daily("DAY", series, valley_share=0.2)
    for r in night[-150:]:
        r["kwh_valley"] = 200.0 + 0.7 * 1000.0
    for r in day[-150:]:
        r["kwh_valley"] = 200.0 + 0.2 * 1000.0
    insert(con, "power_readings_daily", night + day)
    one_site_per_account(con)
    rows = {r["site_id"]: r | {"facts": json.loads(r["facts"])} for r in power_yoy.detect(con, AS_OF).to_pylist()}
    assert set(rows) == {"S-NIGHT"}
    assert rows["S-NIGHT"]["facts"]["night_path"] is True and "夜间新增装置" in rows["S-NIGHT"]["reason"]
    # its 谷 energy grew 4.5× (200 → 900): that path scores it, and the reason says so
    assert "谷段(夜间)日均电量 900 kWh，去年同期 200 kWh，为 4.5 倍" in rows["S-NIGHT"]["reason"]
    assert 0.7 < rows["S-NIGHT"]["score"] < 0.9


def test_a_big_firms_new_night_unit_is_seen_in_its_valley_energy():
    """Three firms drew 2,000 kWh/day last year and 2,300 for the last five months (1.15×, below
    every total ratio). UNIT draws the 300 kWh added at night: its 谷 energy doubled (300 →
    600). SHIFT added a day shift (15 % of it in the 谷 hours); HEAVY already drew 800 at night
    last year (1,100 now: 1.4×). Only UNIT is flagged, on its valley path."""
    con = connect()
    insert(con, "power_accounts", [account("UNIT"), account("SHIFT"), account("HEAVY")])
    series = [2000.0] * (N - 150) + [2300.0] * 150
    rows = []
    for acct, before, after in (("UNIT", 300.0, 600.0), ("SHIFT", 300.0, 345.0), ("HEAVY", 800.0, 1100.0)):
        d = daily(acct, series, valley_share=0.2)
        for i, r in enumerate(d):
            r["kwh_valley"] = before if i < N - 150 else after
        rows += d
    insert(con, "power_readings_daily", rows)
    one_site_per_account(con)
    found = {r["site_id"]: r | {"facts": json.loads(r["facts"])} for r in power_yoy.detect(con, AS_OF).to_pylist()}
    assert set(found) == {"S-UNIT"}
    unit = found["S-UNIT"]
    assert unit["facts"]["valley_path"] is True and unit["facts"]["night_path"] is False
    assert "谷段(夜间)日均电量 600 kWh，去年同期 300 kWh，为 2.0 倍（总量同比仅 1.1 倍" in unit["reason"]
    assert 0.3 <= unit["score"] < 0.5
