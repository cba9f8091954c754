"""idle_restart on hand-made daily series (420 days to AS_OF)."""

import json

from detectors import idle_restart
from detectors.base import EVIDENCE
from tests.detectors.frames import AS_OF, account, connect, daily, insert, one_site_per_account

N = 420
RESTART = [150.0] * 100 + [0.5] * (N - 135) + [200.0] * 35  # busy, dark ~40 weeks, back 5 weeks


def _frame():
    """A, B, C restart alike on the same days (series touch): A's firm is 吊销, B's is active,
    C has no registration. D is an irrigation pump that ran the same weeks last year; E runs
    all along; F came back only 4 days ago; G has NULL and negative readings only."""
    con = connect()
    insert(con, "power_accounts", [account("A", uscc="U-A"), account("B", uscc="U-B"),
                                   account("C"), account("D", "农业生产用电", "前坪村1号机井"),
                                   account("E"), account("F"), account("G")])
    insert(con, "registry", [
        dict(uscc="U-A", name="甲化工", status="吊销，未注销", scope="化工", address="x"),
        dict(uscc="U-B", name="乙公司", status="存续", scope="仓储", address="y")])
    pump = [0.5] * N
    for i in range(N - 364 - 40, N - 364 + 10):
        pump[i] = 200.0 if i % 2 else 0.5
    pump[-35:] = [200.0] * 35
    insert(con, "power_readings_daily",
           daily("A", RESTART) + daily("B", RESTART) + daily("C", RESTART) + daily("D", pump)
           + daily("E", [200.0] * N) + daily("F", [0.5] * (N - 4) + [300.0] * 4)
           + [dict(account_no="G", day=AS_OF, kwh_total=None),
              dict(account_no="G", day=AS_OF, kwh_total=-1.0)])
    one_site_per_account(con)
    return con


def test_restarts_ranked_by_registration():
    ev = idle_restart.detect(_frame(), AS_OF)
    assert ev.schema == EVIDENCE
    rows = {r["site_id"]: r for r in ev.to_pylist()}
    assert set(rows) == {"S-A", "S-B", "S-C"}
    assert rows["S-A"]["score"] > rows["S-C"]["score"] > rows["S-B"]["score"] >= 0.3
    assert rows["S-A"]["category_hint"] == "复燃" and "吊销" in rows["S-A"]["reason"]
    assert "无关联工商登记" in rows["S-C"]["reason"]
    facts = json.loads(rows["S-B"]["facts"])
    assert facts["active_weeks"] == 5 and facts["idle_weeks"] >= 30


def test_standby_load_is_still_idle_but_a_small_restart_is_not_flagged():
    """Idle at 4 kWh (a guard's light) counts as dark; a restart at 20 kWh is too small."""
    con = connect()
    insert(con, "power_accounts", [account("A"), account("B")])
    insert(con, "power_readings_daily",
           daily("A", [4.0] * (N - 35) + [500.0] * 35) + daily("B", [4.0] * (N - 35) + [20.0] * 35))
    one_site_per_account(con)
    rows = idle_restart.detect(con, AS_OF).to_pylist()
    assert [r["site_id"] for r in rows] == ["S-A"]


def test_a_named_irrigation_well_is_discounted():
    """A well and a farm restart alike with no history last year; only the well is a pump."""
    con = connect()
    insert(con, "power_accounts", [account("A", "农业生产用电", "前坪村2号机井"),
                                   account("B", "农业生产用电", "前坪村养殖场")])
    series = [0.5] * (N - 35) + [200.0] * 35
    insert(con, "power_readings_daily", daily("A", series) + daily("B", series))
    one_site_per_account(con)
    rows = {r["site_id"]: r for r in idle_restart.detect(con, AS_OF).to_pylist()}
    assert "机井" in rows["S-A"]["reason"]
    assert rows["S-B"]["score"] > 1.5 * rows["S-A"]["score"]


def test_a_farms_long_season_is_its_season_a_plants_long_run_is_not():
    """The same series on a firm's account and a fruit cooperative's farm account: busy for
    months (last year's same weeks too), dark ten weeks, back five. The plant that ran for months
    and restarts is flagged; the cooperative's cold store or irrigation season is not."""
    con = connect()
    insert(con, "power_accounts", [account("P"), account("F", "农业生产用电", "夏县亿嘉果业专业合作社")])
    series = [150.0] * (N - 105) + [0.5] * 70 + [150.0] * 35
    insert(con, "power_readings_daily", daily("P", series) + daily("F", series))
    one_site_per_account(con)
    rows = {r["site_id"] for r in idle_restart.detect(con, AS_OF).to_pylist()}
    assert rows == {"S-P"}
