"""night_load on hand-made 15-minute and daily readings (28 days to AS_OF)."""

import json

from detectors import night_load
from detectors.base import EVIDENCE
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


def _frame():
    """A runs a reactor at night (22–06); B is flat on the same timestamps (series touch);
    C is an ice maker named so; D follows the valley tariff (00–07 and 11–13); E has only
    daily readings with 85 % 谷; F is a household with a little night heating; G has a NULL
    reading. A and G share a site."""
    con = connect()
    insert(con, "power_accounts", [
        account("A"), account("B"), account("C", name="夏县清凉制冰厂"), account("D"),
        account("E"), account("F", "居民生活用电", "王伟", False), account("G")])
    valley = [12.0 if h < 7 or 11 <= h < 13 else 2.0 for h in range(24)]
    insert(con, "power_readings_interval",
           interval("A", hours(2.0, 20.0), 28) + interval("B", [10.0] * 24, 28)
           + interval("C", hours(2.0, 20.0), 28) + interval("D", valley, 28)
           + interval("F", hours(0.3, 1.0), 28)
           + [dict(account_no="G", ts=interval("G", [1.0] * 24, 1)[0]["ts"], kwh=None)])
    insert(con, "power_readings_daily", daily("E", [300.0] * 28, valley_share=0.85))
    one_site_per_account(con)
    con.execute("update site_members set site_id = 'S-A' where member_key = 'G'")
    return con


def test_night_workshop_above_its_look_alikes():
    ev = night_load.detect(_frame(), AS_OF)
    assert ev.schema == EVIDENCE
    rows = {r["site_id"]: r for r in ev.to_pylist()}
    assert set(rows) == {"S-A", "S-C", "S-D", "S-E"}
    assert rows["S-A"]["score"] > 0.8
    assert rows["S-A"]["score"] > max(rows[s]["score"] for s in ("S-C", "S-D", "S-E"))
    assert "制冰" in rows["S-C"]["reason"]
    assert "错峰" in rows["S-D"]["reason"]
    assert rows["S-E"]["score"] <= 0.5 and "无分时数据" in rows["S-E"]["reason"]
    assert json.loads(rows["S-A"]["facts"])["night_share"] == 0.833


def test_night_hours_are_configurable():
    """With a 'night' of 08–18 the flat account is still flat and the reactor is not night."""
    p = night_load.Params(night_start_hour=8, night_end_hour=18)
    rows = night_load.detect(_frame(), AS_OF, p).to_pylist()
    assert "S-A" not in {r["site_id"] for r in rows}
    assert "S-B" not in {r["site_id"] for r in rows}


def test_an_absurd_night_reading_is_no_night_work():
    """A shop on 10 kVA drawing by day, with one impossible 90,000 kWh reading at 02:00; a
    shop without a contract capacity cannot be checked and keeps its reading."""
    con = connect()
    insert(con, "power_accounts", [account("A", contract_kva=10.0), account("B")])
    day_shop = [3.0 if 8 <= h < 20 else 0.2 for h in range(24)]
    rows = interval("A", day_shop, 28) + interval("B", day_shop, 28)
    for r in rows:
        if r["ts"].day == 20 and r["ts"].hour == 2 and r["ts"].minute == 0:
            r["kwh"] = 90_000.0
    insert(con, "power_readings_interval", rows)
    one_site_per_account(con)
    assert [r["site_id"] for r in night_load.detect(con, AS_OF).to_pylist()] == ["S-B"]


def test_an_hourly_export_of_a_load_above_its_contract_keeps_its_day_readings():
    """A works on a 25 kVA contract drawing 180 kWh an hour by day and 20 at night (a capacity
    the archive never updated): exported by the hour, its day readings are no data errors, so
    its night share stays 16 % and it is no night worker — as with the 15-minute export."""
    con = connect()
    insert(con, "power_accounts", [account("H", contract_kva=25.0), account("Q", contract_kva=25.0)])
    shape = [180.0 if 8 <= h < 20 else 20.0 for h in range(24)]
    hourly = [r for r in interval("H", shape, 28) if r["ts"].minute == 0]
    for r in hourly:
        r["kwh"] *= 4  # one reading an hour holds the hour
    insert(con, "power_readings_interval", hourly + interval("Q", shape, 28))
    one_site_per_account(con)
    assert night_load.detect(con, AS_OF).num_rows == 0


def test_a_dawn_bakery_is_discounted():
    """A bakes from 01:00 into the morning; B runs a reactor 22–06 at the same level."""
    con = connect()
    insert(con, "power_accounts", [account("A"), account("B")])
    bakery = [15.0 if 1 <= h < 6 else 8.0 if 6 <= h < 9 else 1.0 for h in range(24)]
    reactor = [15.0 if h >= 22 or h < 6 else 1.0 for h in range(24)]
    insert(con, "power_readings_interval", interval("A", bakery, 28) + interval("B", reactor, 28))
    one_site_per_account(con)
    rows = {r["site_id"]: r for r in night_load.detect(con, AS_OF).to_pylist()}
    assert "凌晨" in rows["S-A"]["reason"] and "凌晨" not in rows["S-B"]["reason"]
    assert rows["S-B"]["score"] > rows["S-A"]["score"] + 0.3


def test_a_night_trade_named_on_the_sites_registration_or_in_its_scope_is_discounted():
    """Four meters in a person's name draw the same night load. CAFE's site is registered as
    a 网络科技 firm whose 经营范围 lists 互联网上网服务, KTV's as 星光KTV; SHED's as a 钢结构 firm and
    NONE has no registration: those two keep the full score."""
    con = connect()
    insert(con, "power_accounts", [account(a, name="刘洋", uscc=f"U-{a}") for a in ("CAFE", "KTV", "SHED")]
           + [account("NONE", name="刘洋")])
    insert(con, "registry", [
        dict(uscc="U-CAFE", name="夏县极速网络科技有限公司", status="存续",
             scope="互联网上网服务；网络技术开发", address="x"),
        dict(uscc="U-KTV", name="夏县星光KTV", status="存续", scope="歌舞娱乐活动", address="x"),
        dict(uscc="U-SHED", name="夏县宏达钢结构有限公司", status="存续", scope="钢结构加工", address="x")])
    insert(con, "power_readings_interval",
           [r for a in ("CAFE", "KTV", "SHED", "NONE") for r in interval(a, hours(2.0, 20.0), 28)])
    one_site_per_account(con)
    rows = {r["site_id"]: r for r in night_load.detect(con, AS_OF).to_pylist()}
    d = night_load.Params().trade_discount
    assert "经营范围含「上网服务」" in rows["S-CAFE"]["reason"]
    assert "登记名称含「KTV」" in rows["S-KTV"]["reason"]
    assert rows["S-SHED"]["score"] == rows["S-NONE"]["score"] and "夜间用电属" not in rows["S-SHED"]["reason"]
    for s in ("S-CAFE", "S-KTV"):
        assert abs(rows[s]["score"] - d * rows["S-NONE"]["score"]) < 1e-3


def test_a_night_load_over_a_year_old_weighs_the_established_discount():
    """Two farmhouses with the same 28 days of night load (20 kWh an hour at night): OLD drew
    the same daily level a year ago and half a year ago, NEW drew 5 kWh a day until a month ago."""
    con = connect()
    insert(con, "power_accounts", [account("OLD", "居民生活用电", "杨刚"), account("NEW", "居民生活用电", "石彬")])
    insert(con, "power_readings_interval",
           interval("OLD", hours(2.0, 20.0), 28) + interval("NEW", hours(2.0, 20.0), 28))
    level = sum(hours(2.0, 20.0))
    insert(con, "power_readings_daily",
           daily("OLD", [level] * 400) + daily("NEW", [5.0] * 372 + [level] * 28))
    one_site_per_account(con)
    rows = {r["site_id"]: r for r in night_load.detect(con, AS_OF).to_pylist()}
    d = night_load.Params().established_discount
    assert abs(rows["S-OLD"]["score"] - d * rows["S-NEW"]["score"]) < 1e-3
    assert "已持续一年以上" in rows["S-OLD"]["reason"] and "已持续" not in rows["S-NEW"]["reason"]


def test_a_big_plants_new_night_unit_is_seen_though_its_share_barely_moves():
    """Two plants drew 400 kWh an hour round the clock for 56 days. For the last 28, NIGHT added
    70 kWh an hour at night only (+560 kWh a night, the share 33 % → 37 %: below min_rise), ALL
    25 kWh an hour round the clock (+600 kWh a day, a third of it at night). Only NIGHT is
    flagged, as a load added at night."""
    import datetime as dt

    con = connect()
    insert(con, "power_accounts", [account("NIGHT"), account("ALL")])
    before_end = AS_OF - dt.timedelta(days=28)
    insert(con, "power_readings_interval",
           interval("NIGHT", [400.0] * 24, 28, end=before_end) + interval("NIGHT", hours(400.0, 470.0), 28)
           + interval("ALL", [400.0] * 24, 28, end=before_end) + interval("ALL", [425.0] * 24, 28))
    one_site_per_account(con)
    rows = {r["site_id"]: r | {"facts": json.loads(r["facts"])} for r in night_load.detect(con, AS_OF).to_pylist()}
    assert set(rows) == {"S-NIGHT"}
    night = rows["S-NIGHT"]
    assert night["facts"]["night_added_kwh"] == 560 and night["facts"]["added_night_share"] == 1.0
    assert "夜间日均增加 560 kWh，占新增电量的 100%，似新上装置夜间运行" in night["reason"]
    assert night["score"] > 0.8
