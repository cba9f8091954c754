"""factory_in_factory on hand-made sites sharing a firm's address."""

from __future__ import annotations

import datetime as dt

from detectors import factory_in_factory as det
from detectors.base import EVIDENCE
from tests.detectors.chem_demo import connect as demo_connect
from tests.detectors.chem_demo import decoy_sites, demo_county, planted_site, scores
from tests.detectors.chem_frames import by_site, site, uscc
from tests.detectors.frames import AS_OF, account, connect, hours, insert, interval


def frame():
    """Five sites.

    F1 a feed mill with its own account and a three-phase account in a person's name (魏玉杰),
    opened last year, 86% of its use at night: the hidden workshop; also a mobile base
    station on its roof (infrastructure, not an extra). F2 the same mill with its
    legal representative's own account (张军) and the mill's second meter spelt short (盐池饲料):
    nothing extra. F3 a firm with a single-phase residential account of a person (dormitory).
    F4 a person's account alone (no host). F5 an office building: the host and seven tenant
    firms (crowded: damped). The night series of A1b and A2a touch at midnight.
    """
    con = connect("registry", "power_accounts", "power_readings_interval")
    firms = [(1, "夏县盐池源饲料有限公司", "李刚"), (2, "夏县盐池饲料有限公司", "张军"),
             (3, "夏县鑫源商贸有限公司", "王芳"), (5, "夏县大厦物业有限公司", "赵六")]
    insert(con, "registry", [dict(uscc=uscc(n), name=name, status="存续", scope="x",
                                  legal_rep=rep, founded_on=dt.date(2010, 1, 1))
                             for n, name, rep in firms])
    tenants = [account(f"A5t{i}", name=f"夏县租户{i}贸易有限公司") for i in range(7)]
    insert(con, "power_accounts", [
        account("A1a", name="夏县盐池源饲料有限公司", opened_on=dt.date(2012, 5, 1)),
        account("A1b", name="魏玉杰", opened_on=AS_OF - dt.timedelta(days=400)),
        account("A1c", name="中国移动通信集团山西有限公司运城分公司（张村基站）"),
        account("A2a", name="张军", opened_on=AS_OF - dt.timedelta(days=100)),
        account("A2b", name="盐池饲料", opened_on=dt.date(2015, 1, 1)),
        account("A3a", name="夏县鑫源商贸有限公司"),
        account("A3b", "居民生活用电", name="王小明", three_phase=False),
        account("A4", name="刘洋"),
        account("A5", name="夏县大厦物业有限公司"), *tenants,
    ])
    insert(con, "power_readings_interval", interval("A1b", hours(0.5, 6.0), 28)
           + interval("A2a", hours(6.0, 0.5), 28) + interval("A3b", hours(0.4, 0.1), 28))
    site(con, "F1", ("registry", uscc(1)), ("power_account", "A1a"), ("power_account", "A1b"),
         ("power_account", "A1c"))
    site(con, "F2", ("registry", uscc(2)), ("power_account", "A2a"), ("power_account", "A2b"))
    site(con, "F3", ("registry", uscc(3)), ("power_account", "A3a"), ("power_account", "A3b"))
    site(con, "F4", ("power_account", "A4"))
    site(con, "F5", ("registry", uscc(5)), ("power_account", "A5"),
         *(("power_account", f"A5t{i}") for i in range(7)))
    return con


def test_planted_and_decoys():
    rows = by_site(det.detect(frame(), AS_OF))
    assert set(rows) == {"F1"}
    f1 = rows["F1"]
    assert f1["score"] > 0.9 and f1["category_hint"] == "4"
    for text in ("魏玉杰", "个人名义", "动力电", "夜间用电占 86%"):
        assert text in f1["reason"], text
    assert "基站" not in f1["reason"] and f1["facts"]["n_extra"] == 1


def test_crowded_site_is_damped():
    con = frame()
    low = by_site(det.detect(con, AS_OF, det.Params(min_score=0.0, min_extra_score=0.0)))
    assert low["F5"]["facts"]["n_names"] == 8
    raw = by_site(det.detect(con, AS_OF, det.Params(min_score=0.0, min_extra_score=0.0,
                                                     crowded_factor=1.0)))
    assert low["F5"]["score"] < 0.31 * raw["F5"]["score"]
    assert "F2" not in low and "F4" not in low  # the owner's meter; no host
    assert det.detect(con, AS_OF, det.Params(min_score=1.0)).schema == EVIDENCE


def test_demo_floor_p004_above_decoys():
    """Demo county: the workshop renting a feed mill's yard on a person's meter outranks every
    decoy site (night bakeries, ice makers, home workshops …)."""
    demo = demo_county()
    con = demo_connect(demo)
    s = scores(det.detect(con, demo.as_of, det.Params(min_score=0.0)))
    target = planted_site(con, demo, 4)
    assert s.get(target, 0) > 0.7
    assert s[target] > max((s.get(d, 0) for d in decoy_sites(con, demo)), default=0)


def test_a_household_behind_the_shop_is_not_a_tenant():
    """A shop with the family's three-phase household meter in a person's name, opened last
    year (the shop-house: 19 % of its use at night) is nothing extra; the same meter drawing
    40 % at night is (a three-phase household meter busier at night than a household)."""
    con = connect("registry", "power_accounts", "power_readings_interval")
    insert(con, "registry", [dict(uscc=uscc(6), name="夏县埝掌镇唐斌理发店", status="存续", scope="x",
                                  legal_rep="唐斌", founded_on=dt.date(2010, 1, 1))])
    insert(con, "power_accounts", [
        account("A6a", name="夏县埝掌镇唐斌理发店", opened_on=dt.date(2012, 5, 1)),
        account("A6b", "居民生活用电", name="梁荣明", opened_on=AS_OF - dt.timedelta(days=400))])
    site(con, "F6", ("registry", uscc(6)), ("power_account", "A6a"), ("power_account", "A6b"))
    home = [0.3] * 6 + [0.8] * 16 + [0.3] * 2  # 22–06: 8 × 0.3 of 15.2 kWh = 16 %
    insert(con, "power_readings_interval", interval("A6b", home, 28))
    assert det.detect(con, AS_OF).num_rows == 0
    con.execute("delete from power_readings_interval")
    insert(con, "power_readings_interval", interval("A6b", hours(0.6, 1.0), 28))  # 8 / 18.4 = 43 %
    assert set(by_site(det.detect(con, AS_OF))) == {"F6"}
