"""power_surge on hand-made daily series (400 days to AS_OF)."""

import datetime as dt
import json

import pytest

from detectors import power_surge
from detectors.base import EVIDENCE
from tests.detectors.frames import AS_OF, account, connect, daily, insert, one_site_per_account

N = 400


def _frame():
    """A surges 5 → 300 kWh; B flat 200 on the same days (series touch); C an irrigation well
    that ran the same weeks last year too; D a household 3 → 12 (too small); E only 3 recent
    readings; F flat with one absurd day; G a new account with no baseline. A and B share a
    site with H (a NULL and a negative reading)."""
    con = connect()
    insert(con, "power_accounts", [account(a) for a in "ABCDEFGH"])
    irrigation = [300.0 if 15 <= i <= 45 else 5.0 for i in range(N - 14)] + [300.0] * 14
    absurd = [100.0] * (N - 1) + [50_000.0]
    rows = (daily("A", [5.0] * (N - 14) + [300.0] * 14) + daily("B", [200.0] * N)
            + daily("C", irrigation) + daily("D", [3.0] * (N - 14) + [12.0] * 14)
            + daily("E", [5.0] * (N - 14) + [300.0] * 3 + [None] * 11)
            + daily("F", absurd) + daily("G", [400.0] * 20)
            + [dict(account_no="H", day=AS_OF, kwh_total=None),
               dict(account_no="H", day=AS_OF, kwh_total=-50.0)])
    insert(con, "power_readings_daily", rows)
    one_site_per_account(con)
    con.execute("update site_members set site_id = 'S-AB' where member_key in ('A', 'B', 'H')")
    return con


def test_only_the_surge_is_flagged_once_per_site():
    ev = power_surge.detect(_frame(), AS_OF)
    assert ev.schema == EVIDENCE
    rows = ev.to_pylist()
    assert [r["site_id"] for r in rows] == ["S-AB"]
    r = rows[0]
    assert 0.8 < r["score"] <= 1
    assert "户号 A" in r["reason"] and "60.0 倍" in r["reason"]
    facts = json.loads(r["facts"])
    assert facts["recent_kwh"] == 300 and facts["baseline_kwh"] == 5


def test_borderline_ratio_scores_low():
    """A 2.6× rise by 40 kWh/day sits near the floor of the scale."""
    con = connect()
    insert(con, "power_accounts", [account("A")])
    insert(con, "power_readings_daily", daily("A", [25.0] * (N - 14) + [65.0] * 14))
    one_site_per_account(con)
    (r,) = power_surge.detect(con, AS_OF).to_pylist()
    assert 0.3 <= r["score"] < 0.45


def test_last_years_surge_is_taken_out():
    """Last year the same weeks rose 4× over their own baseline: this year's 5× is seasonal."""
    con = connect()
    insert(con, "power_accounts", [account("A")])
    series = [50.0] * N
    for i in range(N - 364 - 14, N - 364):
        series[i] = 200.0
    series[-14:] = [250.0] * 14
    insert(con, "power_readings_daily", daily("A", series, end=AS_OF))
    one_site_per_account(con)
    assert power_surge.detect(con, AS_OF).num_rows == 0


def test_empty_warehouse_gives_empty_evidence():
    con = connect()
    ev = power_surge.detect(con, AS_OF)
    assert ev.num_rows == 0 and ev.schema == EVIDENCE


def test_an_increase_drawn_by_day_weighs_less_than_one_drawn_at_night():
    """The same 20 → 300 kWh surge three ways: DAY adds a day shift (the valley keeps its
    4 kWh), NIGHT draws 80 % of the increase in the valley hours, FLAT (no 峰/平/谷 split)."""
    con = connect()
    insert(con, "power_accounts", [account(a) for a in ("DAY", "NIGHT", "FLAT")])
    base = daily("DAY", [20.0] * (N - 14), end=AS_OF - dt.timedelta(days=14), valley_share=0.2)
    day = [r | dict(kwh_valley=4.0) for r in daily("DAY", [300.0] * 14)]
    night = (daily("NIGHT", [20.0] * (N - 14), end=AS_OF - dt.timedelta(days=14), valley_share=0.2)
             + [r | dict(kwh_valley=4.0 + 0.8 * 280) for r in daily("NIGHT", [300.0] * 14)])
    insert(con, "power_readings_daily", base + day + night + daily("FLAT", [20.0] * (N - 14) + [300.0] * 14))
    one_site_per_account(con)
    rows = {r["site_id"]: r for r in power_surge.detect(con, AS_OF).to_pylist()}
    day_factor = power_surge.Params().day_factor
    assert rows["S-NIGHT"]["score"] == rows["S-FLAT"]["score"]
    assert abs(rows["S-DAY"]["score"] - day_factor * rows["S-FLAT"]["score"]) < 0.002
    assert "似白天增开班次" in rows["S-DAY"]["reason"] and "谷段(夜间)占 80%" in rows["S-NIGHT"]["reason"]


def test_a_named_pump_weighs_pump_discount():
    """The same surge on a firm's account and on a well's (东村3号机井): irrigation rounds move."""
    con = connect()
    insert(con, "power_accounts", [account("A"), account("W", "农业生产用电", "东村3号机井")])
    series = [5.0] * (N - 14) + [300.0] * 14
    insert(con, "power_readings_daily", daily("A", series) + daily("W", series))
    one_site_per_account(con)
    rows = {r["site_id"]: r for r in power_surge.detect(con, AS_OF).to_pylist()}
    assert rows["S-W"]["score"] == pytest.approx(rows["S-A"]["score"] * power_surge.Params().pump_discount, abs=1e-3)
    assert "机井" in rows["S-W"]["reason"] and "机井" not in rows["S-A"]["reason"]
