"""trade_night on hand-made feed mills, cold stores and their look-alikes (15-minute readings,
28 days to AS_OF)."""

import json

from detectors import trade_night
from detectors.base import EVIDENCE
from tests.detectors.frames import AS_OF, account, connect, hours, insert, interval, one_site_per_account

FEED, COLD = "1329", "5951"  # feed mills; cold storage (a night trade)


def _firm(account_no: str, code: str, night: float, day: float = 20.0, **more) -> tuple[dict, dict, list]:
    uscc = f"91140828{account_no:0>10}"
    name = more.pop("firm", f"夏县{account_no}有限公司")
    reg = dict(uscc=uscc, name=name, status="存续", industry_code=code, scope="饲料生产、销售")
    acc = account(account_no, name=more.pop("account_name", name), uscc=uscc)
    return reg, acc, interval(account_no, hours(day, night), 28)


def _frame(extra=()):
    """24 feed mills working by day (night 1.5–2.5 kWh/h against 20 by day) and 20 cold stores
    (night as day), plus `extra` firms."""
    firms = [_firm(f"F{i:02d}", FEED, 1.5 + i / 24) for i in range(24)]
    firms += [_firm(f"C{i:02d}", COLD, 18.0 + i / 10) for i in range(20)]
    firms += list(extra)
    con = connect()
    insert(con, "registry", [f[0] for f in firms])
    insert(con, "power_accounts", [f[1] for f in firms])
    insert(con, "power_readings_interval", [r for f in firms for r in f[2]])
    one_site_per_account(con)
    return con


def _found(con) -> dict:
    ev = trade_night.detect(con, AS_OF)
    assert ev.schema == EVIDENCE
    return {r["site_id"]: r for r in ev.to_pylist()}


def test_feed_mill_running_through_the_night_against_its_trade():
    """X draws 8 kWh/h at night on a 20 kWh/h day: 40 % where its trade stays near 10 %."""
    found = _found(_frame([_firm("X", FEED, 8.0)]))
    assert set(found) == {"S-X"}
    x = found["S-X"]
    facts = json.loads(x["facts"])
    assert facts["industry_code"] == FEED and facts["peer_group"] == FEED and facts["peers"] == 25
    assert facts["ratio"] == 0.4 and 0.11 < facts["peer_quantile"] < 0.125
    assert 0.5 < x["score"] < 1 and x["category_hint"] is None
    assert "同行业（行业代码 1329，25 户）" in x["reason"] and "夜间(22–6时)每小时 8.0 kWh" in x["reason"]


def test_look_alikes_are_not_found():
    """A mill with a night fridge (3 kWh/h: ratio 0.15, under 1.5 × its trade's 90 % quantile);
    an ice maker registered as a feed mill (a night trade by its name);
    a tiny flat load (1.5 kWh/h day and night: the night adds under 2 kWh/h); a mobile
    operator's base station merged into a mill's site (not the mill's meter); a cold store's
    tenant on a mill's site (judged by the trade that explains it); a night-running firm of a
    trade with 3 firms in the county (no peers to judge by)."""
    extra = [_firm("FRIDGE", FEED, 3.0), _firm("TINY", FEED, 1.5, day=1.5),
             _firm("ICE", FEED, 16.0, day=8.0, firm="夏县广源制冰有限公司"),
             _firm("BTS", FEED, 10.0, day=10.0, account_name="中国移动通信集团山西有限公司运城分公司（陈村基站）"),
             _firm("TENANT", FEED, 18.0, day=18.0),
             *[_firm(f"R{i}", "7810", 2.0 + 10 * (i == 0)) for i in range(3)]]
    con = _frame(extra)
    insert(con, "registry", [dict(uscc="91140828COLDTENANT", name="夏县冷链仓储有限公司", status="存续",
                                  industry_code=COLD)])
    con.execute("insert into site_members values ('S-TENANT', 'registry', '91140828COLDTENANT', 'test', 1.0)")
    assert _found(con) == {}
    # the same base station in the mill's own name is the mill's load
    con.execute("update power_accounts set account_name = '夏县BTS有限公司' where account_no = 'BTS'")
    assert set(_found(con)) == {"S-BTS"}


def test_a_night_activity_in_the_scope_is_left_out():
    """An internet café registered as 网络科技 under a software code (6513), among 24 software
    firms working by day, draws at night as by day: its 经营范围 says 互联网上网服务, so its
    trade's day-time yardstick does not apply; without that clause it is found."""
    soft = [_firm(f"S{i:02d}", "6513", 1.5 + i / 24) for i in range(24)]
    cafe = _firm("CAFE", "6513", 18.0, firm="夏县极速网络科技有限公司")
    cafe[0]["scope"] = "许可项目：互联网上网服务；一般项目：软件开发；网络技术服务"
    con = _frame([*soft, cafe])
    assert "S-CAFE" not in _found(con)
    con.execute("update registry set scope = '软件开发；网络技术服务' where name = '夏县极速网络科技有限公司'")
    assert "S-CAFE" in _found(con)


def test_few_firms_of_a_trade_are_judged_by_its_group():
    """Three mills of 1321 (too few) are judged within group 132 (1321 and 1329's 24 mills);
    the one running at night is found, the reason names the group."""
    found = _found(_frame([_firm(f"G{i}", "1321", 2.0 + 10 * (i == 0)) for i in range(3)]))
    assert set(found) == {"S-G0"}
    assert json.loads(found["S-G0"]["facts"])["peer_group"] == "132"
    assert "行业中类 132*" in found["S-G0"]["reason"]


def test_without_codes_the_trade_comes_from_the_names():
    """A registry without 行业代码: the 24 mills named 饲料 are one trade by their names, and
    the one running at night is found against them; the reason says the trade was inferred."""
    con = _frame([_firm("X", FEED, 8.0, firm="夏县宏达饲料有限公司")])
    con.execute("update registry set industry_code = null")
    for table, column in (("registry", "name"), ("power_accounts", "account_name")):
        con.execute(f"update {table} set {column} = replace({column}, '有限公司', '饲料有限公司') "
                    f"where regexp_matches({column}, '夏县F[0-9]+有限公司')")
    con.execute("update registry set scope = '饲料销售' where uscc like '91140828%'")
    found = _found(con)
    assert set(found) == {"S-X"}
    facts = json.loads(found["S-X"]["facts"])
    assert facts["industry_code"] == FEED and facts["code_source"] == "名称" and facts["peers"] == 25
    assert "同行业（行业代码 1329，据企业名称推断，25 户）" in found["S-X"]["reason"]
