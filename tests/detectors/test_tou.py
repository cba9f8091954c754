"""tou: the 谷 hours read off accounts with both interval and daily 峰/平/谷 readings."""

import datetime as dt
import random

import pytest

from detectors import night_load, peer_outlier, power_surge, tou
from detectors.base import install_valley_macro
from tests.detectors.frames import (
    AS_OF,
    account,
    connect,
    daily,
    hours,
    insert,
    interval,
    one_site_per_account,
)


def _frame(valley_hours: set[int], n_accounts: int = 30, days: int = 3, same: tuple[int, int] | None = None):
    """Accounts of different shapes (day shifts, night shifts, flat, evening, each with its own
    wobble by the hour) whose daily 谷 kWh is the sum of their interval kWh in `valley_hours`."""
    con = connect()
    shapes = [hours(10.0, 1.0), hours(1.0, 10.0), [5.0] * 24,
              [8.0 if 17 <= h < 23 else 2.0 for h in range(24)]]
    insert(con, "power_accounts", [account(f"A{i}") for i in range(n_accounts)])
    daily_rows, interval_rows = [], []
    for i in range(n_accounts):
        wobble = random.Random(i)
        shape = [x * wobble.uniform(0.7, 1.3) for x in shapes[i % len(shapes)]]
        if same:  # two hours every account draws alike
            shape[same[1]] = shape[same[0]]
        interval_rows += interval(f"A{i}", shape, days)
        total = sum(shape)
        valley = sum(x for h, x in enumerate(shape) if h in valley_hours)
        for r in daily(f"A{i}", [total] * days):
            daily_rows.append(r | dict(kwh_valley=valley, kwh_peak=total - valley, kwh_flat=0.0, kwh_sharp=0.0))
    insert(con, "power_readings_interval", interval_rows)
    insert(con, "power_readings_daily", daily_rows)
    return con


SHANXI = {0, 1, 2, 3, 4, 5, 6, 11, 12}
MIDDAY = set(range(9, 17))


def test_shanxi_valley_is_read_and_is_night():
    v = tou.infer(_frame(SHANXI), AS_OF, tou.Params(min_account_days=10))
    assert v.source == "推断" and v.hours == tuple(sorted(SHANXI)) and v.r2 > 0.99
    assert v.night_share == pytest.approx(6 / 9, abs=1e-3) and v.is_night
    assert "0–7时、11–13时" in v.describe()


def test_hours_the_data_cannot_tell_apart_go_to_the_fewest_blocks():
    """A valley of 00–08 where every account draws the same at 07 as at 15: 00–07 and 15–16 fits
    exactly as well, one block is taken. Sets of three runs or more are not tariffs."""
    v = tou.infer(_frame(set(range(8)), same=(7, 15)), AS_OF, tou.Params(min_account_days=10))
    assert v.hours == tuple(range(8))
    assert tou._candidates().shape == (21804, 24)


def test_a_midday_valley_is_not_night():
    v = tou.infer(_frame(MIDDAY), AS_OF, tou.Params(min_account_days=10))
    assert v.hours == tuple(sorted(MIDDAY)) and v.night_share == 0 and not v.is_night
    assert "谷段不是夜间" in v.describe()


def test_too_few_account_days_take_the_valley_as_night():
    con = _frame(MIDDAY, n_accounts=3)
    v = tou.record(con, AS_OF, tou.Params(min_account_days=10))
    assert v.source == "默认" and v.hours is None and v.is_night and v.account_days == 9
    assert con.execute("select source, is_night from tou_valley").fetchone() == ("默认", True)


def test_daily_readings_only_the_day_workers_share_tells_a_daytime_valley():
    """No interval readings: 40 commercial accounts drawing 60 % of their day in the 谷 hours
    mean a daytime valley; 20 % a night one; 10 accounts are too few to tell."""
    for share, n, source, night in ((0.6, 40, "推断（日电量）", False), (0.2, 40, "推断（日电量）", True),
                                    (0.6, 10, "默认", True)):
        v = tou.infer(_daily_only(share, n), AS_OF)
        assert (v.source, v.is_night, v.hours) == (source, night, None)
        assert v.day_share == (pytest.approx(share) if n == 40 else None)
    assert "谷段在白天" in tou.infer(_daily_only(0.6, 40), AS_OF).describe()


def _daily_only(share: float, n: int):
    con = connect()
    insert(con, "power_accounts", [account(f"A{i}") for i in range(n)])
    insert(con, "power_readings_daily", [r for i in range(n) for r in daily(f"A{i}", [50.0] * 28, valley_share=share)])
    return con


def test_a_day_whose_interval_readings_do_not_add_up_is_left_out():
    """Interval kWh that miss the daily total by more than max_mismatch say nothing."""
    con = _frame(SHANXI, n_accounts=1, days=1)
    con.execute("update power_readings_daily set kwh_total = kwh_total * 1.2")
    assert tou.infer(con, AS_OF, tou.Params(min_account_days=1)).account_days == 0


def test_where_the_valley_is_not_night_the_proxy_and_the_valley_share_of_growth_say_nothing():
    """A daily-only account with 85 % of its kWh in the 谷 hours is a night worker by the proxy
    while the valley is night, and nothing once tou_valley says the valley is midday; a surge
    drawn 90 % in the 谷 hours scores as a night increase, then as one without the split."""
    con = connect()
    insert(con, "power_accounts", [account("E"), account("S")])
    insert(con, "power_readings_daily", daily("E", [300.0] * 28, valley_share=0.85)
           + daily("S", [50.0] * 90, end=AS_OF - dt.timedelta(days=14), valley_share=0.2)
           + daily("S", [1000.0] * 14, valley_share=0.9))
    one_site_per_account(con)

    def run():
        install_valley_macro(con)
        night = {r["site_id"]: r for r in night_load.detect(con, AS_OF).to_pylist()}
        surge = {r["site_id"]: r for r in power_surge.detect(con, AS_OF).to_pylist()}
        return night, surge

    night, surge = run()
    assert "S-E" in night and "谷段(夜间)" in surge["S-S"]["reason"]
    con.execute("""create table tou_valley as select date '2026-11-30' as as_of, '推断' as source,
                   [9, 10, 11, 12, 13, 14, 15, 16] as valley_hours, 0.0 as night_share, 1.0 as r2,
                   100 as account_days, false as is_night""")
    night2, surge2 = run()
    assert "S-E" not in night2
    assert "谷段" not in surge2["S-S"]["reason"] and surge2["S-S"]["score"] >= surge["S-S"]["score"]


def test_where_the_valley_is_not_night_peer_outlier_leaves_the_valley_share_out():
    """40 daily-only shops draw 20 % in the 谷 hours, V 90 %: odd among them while the valley is
    night, nothing once tou_valley says it is midday (there every day worker draws in it)."""
    con = connect()
    shops = [f"S{i:02d}" for i in range(40)]
    insert(con, "power_accounts", [account(a) for a in shops + ["V"]])
    insert(con, "power_readings_daily",
           [r for i, a in enumerate(shops) for r in daily(a, [40.0 + i % 5] * 118, valley_share=0.2 + 0.01 * (i % 4))]
           + daily("V", [42.0] * 118, valley_share=0.9))
    one_site_per_account(con)
    install_valley_macro(con)
    assert "谷段电量占比 90%" in {r["site_id"]: r for r in peer_outlier.detect(con, AS_OF).to_pylist()}["S-V"]["reason"]
    con.execute("""create table tou_valley as select false as is_night""")
    install_valley_macro(con)
    assert "S-V" not in {r["site_id"] for r in peer_outlier.detect(con, AS_OF).to_pylist()}


def test_a_valley_no_set_of_hours_explains_is_not_guessed():
    """Daily 谷 kWh that no clock hours add up to (each account's its own share of the day):
    nothing is learnt, the valley is taken as night and the line says why."""
    con = _frame(SHANXI)
    con.execute("update power_readings_daily set kwh_valley = kwh_total * (hash(account_no) % 10) / 10.0")
    v = tou.infer(con, AS_OF, tou.Params(min_account_days=10, min_day_accounts=1000))
    assert v.source == "默认" and v.hours is None and v.is_night and v.r2 < 0.9
    assert "拟合不佳" in v.describe()
