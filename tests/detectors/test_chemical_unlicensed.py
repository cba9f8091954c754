"""chemical_unlicensed on hand-made registrations and permits."""

from __future__ import annotations

import datetime as dt

from detectors import chemical_unlicensed as det
from detectors.base import EVIDENCE
from tests.detectors.chem_demo import connect as demo_connect
from tests.detectors.chem_demo import decoy_sites, demo_county, scores
from tests.detectors.chem_frames import by_site, site, uscc
from tests.detectors.frames import AS_OF, account, connect, daily, insert


def reg(n: int, name: str, scope: str | None, code: str | None = None, status: str = "存续",
        kind: str = "91") -> dict:
    return dict(uscc=uscc(n, kind), name=name, status=status, scope=scope, industry_code=code,
                address=f"测试村{n}号")


def permit(no: str, holder: str, n: int | None, kind: str, scope: str, valid_until: dt.date) -> dict:
    return dict(permit_no=no, holder_name=holder, uscc=uscc(n) if n else None, permit_type=kind,
                scope=scope, valid_until=valid_until)


def frame():
    """Twelve firms, one site each (S<n>); every site but S9 has a power account.

    Planted: S1 化工 workshop (二氯甲烷 production, 2614, no permit); S3 permit expired
    yesterday; S7 个体户 blending 稀释剂; S8 producing 甲醇 with only a trading permit; S10 the
    same as S1 but 注销; S11 selling 柴油 without a permit. Decoys: S2 licensed plant whose
    permit ends today (still valid); S4 licensed fuel retailer; S5 农资店 (化肥/农药 retail);
    S6 生物科技 doing software; S9 NULL scope and code; S12 licensed by holder name only.
    """
    con = connect("registry", "permits", "power_accounts", "power_readings_daily")
    yesterday = AS_OF - dt.timedelta(days=1)
    insert(con, "registry", [
        reg(1, "夏县鑫盛化工有限公司", "二氯甲烷、氯化石蜡生产、销售", "2614"),
        reg(2, "夏县晋南化工有限公司", "危险化学品生产（硫酸）；化工产品销售（不含许可类化工产品）", "2661"),
        reg(3, "夏县百川化工有限公司", "危险化学品生产（乙酸乙酯）", "2669"),
        reg(4, "夏县张村加油站有限公司", "汽油、柴油零售；润滑油、预包装食品零售", "5265"),
        reg(5, "夏县东升农资有限公司", "化肥、农药（不含危险化学品）、种子零售；农业技术咨询服务", "5166"),
        reg(6, "夏县华晟生物科技有限公司", "软件开发；生物技术服务；信息技术咨询", "6513"),
        reg(7, "夏县王强油漆调配部", "油漆、稀释剂调配加工", None, kind="92"),
        reg(8, "夏县鼎盛化工贸易有限公司", "甲醇生产；危险化学品经营（不带储存设施）", "5169"),
        reg(9, "夏县空白有限公司", None),
        reg(10, "夏县旧化工有限公司", "二氯甲烷、氯化石蜡生产、销售", "2614", status="注销"),
        reg(11, "夏县鑫源物流有限公司", "柴油零售；普通货物道路运输", "5431"),
        reg(12, "夏县宏泰化工有限公司", "危险化学品生产（盐酸）", "2661"),
    ])
    insert(con, "permits", [
        permit("P2", "夏县晋南化工有限公司", 2, "安全生产许可", "硫酸", AS_OF),
        permit("P3", "夏县百川化工有限公司", 3, "安全生产许可", "乙酸乙酯", yesterday),
        permit("P4", "夏县张村加油站有限公司", 4, "经营许可(带储存)", "汽油、柴油", AS_OF.replace(year=2028)),
        permit("P8", "夏县鼎盛化工贸易有限公司", 8, "经营许可(不带储存)", "甲醇", AS_OF.replace(year=2028)),
        permit("P12", "夏县宏泰化工有限公司", None, "安全生产许可", "盐酸", AS_OF.replace(year=2028)),
    ])
    insert(con, "power_accounts", [account(f"A{n}") for n in range(1, 13) if n != 9])
    for n in range(1, 13):
        members = [("registry", uscc(n, "92" if n == 7 else "91"))]
        members += [] if n == 9 else [("power_account", f"A{n}")]
        members += [("permit", f"P{n}")] if n in (2, 3, 4, 8) else []
        site(con, f"S{n}", *members)
    return con


def test_planted_and_decoys():
    rows = by_site(det.detect(frame(), AS_OF))
    assert set(rows) == {"S1", "S3", "S7", "S8", "S10", "S11"}
    assert rows["S1"]["score"] > 0.9 and rows["S1"]["category_hint"] == "2"
    assert "二氯甲烷" in rows["S1"]["reason"] and "无有效危化品许可" in rows["S1"]["reason"]
    assert "2026-11-29 过期" in rows["S3"]["reason"] and rows["S3"]["category_hint"] == "1"
    assert rows["S7"]["category_hint"] == "3"
    assert rows["S8"]["category_hint"] == "1" and rows["S8"]["score"] < rows["S1"]["score"]
    assert "仅持经营许可(不带储存)" in rows["S8"]["reason"]
    assert rows["S10"]["score"] < rows["S1"]["score"] / 1.9
    assert rows["S11"]["category_hint"] == "6" and rows["S11"]["score"] < 0.5


def test_a_chemical_registration_drawing_no_production_load_weighs_less():
    """S1 again with readings: at 500 kWh a day it keeps its score; at 4 kWh a day (an office,
    or a plant that never started) it drops to idle_factor of it and the reason says so."""
    con = frame()
    insert(con, "power_readings_daily", daily("A1", [500.0] * 40))
    running = by_site(det.detect(con, AS_OF))["S1"]
    con.execute("delete from power_readings_daily")
    insert(con, "power_readings_daily", daily("A1", [4.0] * 40))
    idle = by_site(det.detect(con, AS_OF))["S1"]
    assert "未见生产规模用电" not in running["reason"]
    assert idle["score"] == round(running["score"] * det.Params().idle_factor, 4)
    assert "日用电中位数仅 4.0 kWh，未见生产规模用电" in idle["reason"]
    # no meter at the site at all: no more sign of a running plant than an idle one
    con.execute("delete from site_members where site_id = 'S1' and member_kind = 'power_account'")
    unmetered = by_site(det.detect(con, AS_OF))["S1"]
    assert unmetered["score"] == round(running["score"] * det.Params().no_power_factor, 4)
    assert unmetered["score"] <= idle["score"] and "未关联电力户号" in unmetered["reason"]


def test_contract_and_overrides():
    con = frame()
    table = det.detect(con, AS_OF, det.Params(min_score=0.95))
    assert table.schema == EVIDENCE
    assert table.num_rows == 0
    # the day after S2's permit ends, S2 is unlicensed too
    later = by_site(det.detect(con, AS_OF + dt.timedelta(days=1)))
    assert "S2" in later


def test_no_sites_no_rows():
    con = connect("registry", "permits", "power_accounts", "power_readings_daily")
    insert(con, "registry", [reg(1, "夏县鑫盛化工有限公司", "二氯甲烷生产", "2614")])
    assert det.detect(con, AS_OF).num_rows == 0


def test_demo_floor_expired_plant_above_decoys():
    """Demo county: at its as_of no decoy is flagged; on the day after a park plant's permit
    ends, that plant outranks every fuel retailer, trader, 农资店 and named-biotech decoy."""
    demo = demo_county()
    con = demo_connect(demo)
    decoys = decoy_sites(con, demo, "fuel_retailer", "agri_supply", "chem_trader_licensed",
                         "named_biotech_legit", "park_24h_plant")
    assert not set(scores(det.detect(con, demo.as_of))) & decoys
    first_end = con.execute("select min(valid_until) from permits where permit_type like"
                            " '%生产%'").fetchone()[0]
    expired = con.execute("""select distinct m.site_id from permits p join site_members m
        on m.member_kind = 'permit' and m.member_key = p.permit_no
        where p.valid_until = ?""", [first_end]).fetchall()
    s = scores(det.detect(con, first_end + dt.timedelta(days=1)))
    plant = expired[0][0]
    assert s.get(plant, 0) > 0.5
    assert s[plant] > max((v for k, v in s.items() if k in decoys - {plant}), default=0)


def test_a_scope_declaring_no_hazardous_chemicals_halves_the_code():
    """Two glue makers under 2669 with no permit: one's scope names its products only, the
    other's adds （不含危险化学品）, as registrations of water-based glues and coatings do. The
    code counts declared_safe_factor for the second, and the reason says so."""
    p = det.Params()
    con = connect("registry", "permits", "power_accounts", "power_readings_daily")
    insert(con, "registry", [
        reg(1, "夏县宏达胶业有限公司", "白乳胶、腻子粉销售", "2669"),
        reg(2, "夏县宏泰胶业有限公司", "白乳胶、腻子粉销售（不含危险化学品）", "2669"),
    ])
    insert(con, "power_accounts", [account("A1"), account("A2")])
    for n in (1, 2):
        site(con, f"S{n}", ("registry", uscc(n)), ("power_account", f"A{n}"))
    rows = by_site(det.detect(con, AS_OF, det.Params(min_score=0.1)))
    assert rows["S1"]["score"] == 0.5  # division 26's default weight, nothing else
    assert rows["S2"]["score"] == round(0.5 * p.declared_safe_factor, 4)
    assert "经营范围注明不含危险化学品" in rows["S2"]["reason"] and "注明" not in rows["S1"]["reason"]


def test_a_code_filed_with_its_section_letter_counts():
    """Exports write the class as C2669 or [2669]: the same code, the same weight."""
    con = connect("registry", "permits", "power_accounts", "power_readings_daily")
    insert(con, "registry", [reg(1, "夏县宏达胶业有限公司", "白乳胶、腻子粉销售", "C2669"),
                             reg(2, "夏县宏泰胶业有限公司", "白乳胶、腻子粉销售", "[2669]")])
    insert(con, "power_accounts", [account("A1"), account("A2")])
    for n in (1, 2):
        site(con, f"S{n}", ("registry", uscc(n)), ("power_account", f"A{n}"))
    rows = by_site(det.detect(con, AS_OF, det.Params(min_score=0.1)))
    assert rows["S1"]["score"] == rows["S2"]["score"] == 0.5
    assert "行业代码 2669（其他专用化学产品制造）" in rows["S1"]["reason"]


def test_the_2021_wording_and_the_reason_tell_negated_items_apart():
    """S1's 一般项目 uses the 2021 wording 不含许可类化工产品: the code's weight is halved as for
    不含危险化学品. S2 holds a 许可项目 for hazardous chemicals beside such an item: the reason
    names 危险化学品 plainly and only 化工产品 under the note (it once put the note after both)."""
    con = connect("registry", "permits", "power_accounts", "power_readings_daily")
    insert(con, "registry", [
        reg(1, "夏县宏达化工有限公司", "一般项目：化工产品销售（不含许可类化工产品）", "2669"),
        reg(2, "夏县新锐新材料有限公司",
            "许可项目：危险化学品生产。一般项目：化工产品生产（不含许可类化工产品）", "2669"),
    ])
    insert(con, "power_accounts", [account("A1"), account("A2")])
    for n in (1, 2):
        site(con, f"S{n}", ("registry", uscc(n)), ("power_account", f"A{n}"))
    rows = by_site(det.detect(con, AS_OF, det.Params(min_score=0.1)))
    assert rows["S1"]["score"] == round(0.5 * det.Params().declared_safe_factor, 4)
    reason = rows["S2"]["reason"]
    assert "经营范围含化工类生产：危险化学品；" in reason
    assert "经营范围含化工类生产（注明不含危险化学品）：化工产品" in reason
