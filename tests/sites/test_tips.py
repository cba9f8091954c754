"""attach_tips: a vague tip joins the one site of its village that fits its words and shows
something; ambiguous or unplaceable tips stay leads of their own."""

from __future__ import annotations

import datetime as dt

import duckdb

from sites.tips import attach_tips
from sources.warehouse import install_macros
from tests.detectors import frames

AS_OF = dt.date(2026, 11, 30)
LON, LAT = 111.2, 35.1  # 唐回村's households sit around here
DEG_PER_KM = 1 / 111.32


def _county() -> duckdb.DuckDBPyConnection:
    con = frames.connect("power_accounts", "tips", "registry", "permits")
    install_macros(con)
    con.execute("drop table sites; drop table site_members")
    con.execute("""
        create table sites (site_id varchar, anchor_kind varchar, anchor_key varchar, name varchar,
            address varchar, township varchar, lon double, lat double);
        create table site_members (site_id varchar, member_kind varchar, member_key varchar,
            rule varchar, score double, linked_to varchar, member_name varchar, member_address varchar);
        create table site_scores (site_id varchar, risk double);
        create table score_parts (site_id varchar, detector varchar, family varchar, category_hint varchar,
            points double);
        create table site_history (as_of date, site_id varchar, member_kind varchar, member_key varchar)""")
    # the village: households whose median point is (LON, LAT)
    frames.insert(con, "power_accounts", [frames.account(
        f"09{i:02d}", tariff_class="居民生活用电", name="王五", township="瑶峰镇",
        address="山西省运城市夏县瑶峰镇唐回村", lon=LON + (i - 2) * 1e-4, lat=LAT) for i in range(5)])
    return con


def _site(con, site_id: str, name: str, km_east: float, risk: float, address: str = "",
          township: str = "瑶峰镇", kind: str = "registry") -> None:
    lon = LON + km_east * DEG_PER_KM / 0.82
    con.execute("insert into sites values (?, ?, ?, ?, ?, ?, ?, ?)",
                [site_id, kind, site_id, name, address, township, lon, LAT])
    con.execute("insert into site_members values (?, ?, ?, 'anchor', 1.0, null, ?, ?)",
                [site_id, kind, site_id, name, address])
    con.execute("insert into site_history values (?, ?, ?, ?)", [AS_OF, site_id, kind, site_id])
    if risk:
        con.execute("insert into site_scores values (?, ?)", [site_id, risk])


def _part(con, site_id: str, detector: str, family: str, points: float) -> None:
    con.execute("insert into score_parts values (?, ?, ?, null, ?)", [site_id, detector, family, points])


def _tip(con, tip_no: str, address: str, content: str) -> None:
    frames.insert(con, "tips", [dict(tip_no=tip_no, address=address, content=content,
                                     tipped_at=dt.datetime(2026, 11, 20, 9))])
    site = f"S-{tip_no}"
    con.execute("insert into sites values (?, 'tip', ?, null, ?, null, null, null)", [site, tip_no, address])
    con.execute("insert into site_members values (?, 'tip', ?, 'anchor', 1.0, null, null, ?)",
                [site, tip_no, address])
    con.execute("insert into site_history values (?, ?, 'tip', ?)", [AS_OF, site, tip_no])


def _site_of(con, tip_no: str) -> tuple[str, str, float]:
    return con.execute("select site_id, rule, score from site_members where member_key = ?",
                       [tip_no]).fetchone()


def test_tech_firm_tip_joins_the_tech_firm_that_shows_something():
    """'唐回村附近一家科技公司晚上有刺鼻气味': of the village's sites, the 科技 firm 800 m out with
    risk 60 takes the tip, not the louder farm (wrong kind) nor the quiet tech firm (risk 10)."""
    con = _county()
    _site(con, "S-tech", "夏县亿嘉盛新能源科技有限公司", 0.8, 60)
    _site(con, "S-quiet", "夏县华清科技有限公司", -0.5, 10)
    _site(con, "S-farm", "夏县唐回养殖专业合作社", 0.3, 140)
    _tip(con, "JB1", "唐回村附近", "唐回村附近一家科技公司晚上有刺鼻气味，怀疑在偷偷搞化工。")
    assert attach_tips(con, AS_OF) == 1
    site, rule, score = _site_of(con, "JB1")
    assert (site, rule, score) == ("S-tech", "tip_area", 0.56)  # village_link × near_only (no address)
    assert con.execute("select count(*) from sites where site_id = 'S-JB1'").fetchone()[0] == 0
    assert con.execute("select site_id from site_history where member_key = 'JB1'").fetchone()[0] == "S-tech"


def test_ambiguous_far_and_unplaced_tips_stay_apart():
    """Two equally suspicious workshops in the village: the tip cannot choose. A tip naming a
    village nobody lives in, or no place at all ('村外公路旁边'), has no candidates. A tip
    naming a 面包房 joins no site whose names lack 面包房."""
    con = _county()
    _site(con, "S-a", "夏县甲建材有限公司", 0.4, 80)
    _site(con, "S-b", "夏县乙建材有限公司", -0.4, 75)
    _site(con, "S-far", "夏县丙化工有限公司", 8.0, 150)
    _tip(con, "JB1", "唐回村附近", "唐回村附近一家厂子排出的水发黑发臭。")
    _tip(con, "JB2", "无名村附近", "无名村附近一家厂子晚上有刺鼻气味。")
    _tip(con, "JB3", "村外公路旁边", "村外公路旁边一家厂子晚上有刺鼻气味。")
    _tip(con, "JB4", "瑶峰镇唐回村面包房", "凌晨就开工，有烟")
    assert attach_tips(con, AS_OF) == 0
    for tip in ("JB1", "JB2", "JB3", "JB4"):
        assert _site_of(con, tip)[0] == f"S-{tip}"


def test_a_township_only_tip_needs_a_clear_winner_and_a_household_tip_a_household():
    """'瑶峰镇一带 闲置民房 罐车卸货': the only site with a household account and findings in the
    township takes it at the township link score; a firm with more findings does not fit."""
    con = _county()
    _site(con, "S-house", "赵六", 3.0, 50, kind="power_account")
    frames.insert(con, "power_accounts", [frames.account(
        "S-house", tariff_class="居民生活用电", name="赵六", township="瑶峰镇")])
    _site(con, "S-firm", "夏县丁建材有限公司", 5.0, 90)
    _tip(con, "JB1", "瑶峰镇一带", "瑶峰镇一带闲置民房经常有罐车来卸货，怀疑在偷偷搞化工。")
    assert attach_tips(con, AS_OF) == 1
    assert _site_of(con, "JB1") == ("S-house", "tip_area", 0.5)


def test_fit_comes_before_strength_and_a_community_is_a_village():
    """'唐回村往东的路边废弃养殖场': the farm (risk 60) takes it though a 科技 firm of the same
    village is three times as loud — that firm is not what the tip describes. '城东社区往东的
    路边一家厂子' names the community 城东社区 (not a district '城东社区' of a county)."""
    con = _county()
    _site(con, "S-farm", "唐回村石静伟养殖场", 0.6, 60, kind="power_account")
    _site(con, "S-loud", "夏县鼎盛环保科技有限公司", 0.4, 180)
    _tip(con, "JB1", "唐回村往东的路边", "唐回村往东的路边废弃养殖场半夜有大车进出，怀疑在偷偷搞化工。")
    frames.insert(con, "power_accounts", [frames.account(
        f"08{i:02d}", tariff_class="居民生活用电", name="李四", township="瑶峰镇",
        address="山西省运城市夏县瑶峰镇城东社区", lon=LON + 0.1, lat=LAT + i * 1e-4) for i in range(5)])
    _site(con, "S-works", "夏县众合盛建材有限公司", 0.1 * 111.32 * 0.82 + 0.3, 88,
          address="山西省运城市夏县瑶峰镇城东社区村北")
    _tip(con, "JB2", "城东社区往东的路边", "城东社区往东的路边一家厂子夜里机器响、味道呛人，怀疑在偷偷搞化工。")
    assert attach_tips(con, AS_OF) == 2
    assert _site_of(con, "JB1")[:2] == ("S-farm", "tip_area")
    assert _site_of(con, "JB2")[:2] == ("S-works", "tip_area")


def test_a_fuel_tip_does_not_join_a_licensed_plant():
    """'瑶峰镇一带有人私设油罐卖散装柴油': the township's only site with a fuel finding is a
    licensed chemical plant whose tankers are its trade — the tip stays a lead of its own."""
    con = _county()
    _site(con, "S-plant", "夏县佳美化工有限公司", 4.0, 42)
    _part(con, "S-plant", "fuel_yard", "truck", 30)
    con.execute("insert into site_members values ('S-plant', 'permit', 'P-1', 'uscc', 1.0, null, null, null)")
    frames.insert(con, "permits", [dict(permit_no="P-1", holder_name="夏县佳美化工有限公司",
                                        valid_until=AS_OF.replace(year=2028))])
    _tip(con, "JB1", "瑶峰镇一带", "瑶峰镇一带有人私设油罐卖散装柴油，经常有罐车来卸货，怀疑在偷偷搞化工。")
    assert attach_tips(con, AS_OF) == 0
    con.execute("delete from permits")
    assert attach_tips(con, AS_OF) == 1


def test_a_quiet_site_that_fits_does_not_block_a_loud_one_that_fits_less():
    """'唐回村往东的路边一家厂子': a works near the village but addressed in the next village
    (fit 0.6, risk 105) takes the tip although a quiet firm addressed in 唐回村 (fit 1, risk 20)
    fits better — the quiet one shows too little to take a tip at all."""
    con = _county()
    _site(con, "S-works", "夏县嘉禾达钢结构有限公司", 0.9, 105, address="山西省运城市夏县瑶峰镇中秦村村东")
    _site(con, "S-quiet", "夏县某商贸有限公司", 0.5, 20, address="山西省运城市夏县瑶峰镇唐回村5号")
    _tip(con, "JB1", "唐回村往东的路边", "唐回村往东的路边一家厂子晚上有刺鼻气味，怀疑在偷偷搞化工。")
    assert attach_tips(con, AS_OF) == 1
    assert _site_of(con, "JB1")[0] == "S-works"


def test_the_site_addressed_in_the_named_village_comes_before_a_louder_one_merely_near():
    """'唐回村往东的路边一家厂子': a works addressed in 唐回村 (risk 105) and a park plant 1 km
    out with no village in its address (risk 134): the works takes the tip."""
    con = _county()
    _site(con, "S-works", "夏县嘉禾达钢结构有限公司", 0.6, 105, address="山西省运城市夏县瑶峰镇唐回村村北")
    _site(con, "S-park", "夏县恒达化工有限公司", 1.0, 134, address="山西省运城市夏县化工集中区11号")
    _tip(con, "JB1", "唐回村往东的路边", "唐回村往东的路边一家厂子晚上有刺鼻气味，怀疑在偷偷搞化工。")
    assert attach_tips(con, AS_OF) == 1
    assert _site_of(con, "JB1")[0] == "S-works"


def test_a_site_where_the_data_saw_what_the_tip_describes_takes_it_from_less():
    """'唐回村往东的路边一家厂子半夜有大车进出': a firm of the village where a truck detector found
    something (risk 22) takes the tip from a louder one that only the meter saw (risk 90) —
    below min_strength, but the data saw the trucks the tipster saw. One with trucks seen but
    risk 10 shows too little."""
    con = _county()
    _site(con, "S-trucks", "夏县某建材有限公司", 0.5, 22, address="山西省运城市夏县瑶峰镇唐回村5号")
    _part(con, "S-trucks", "consignee_unlicensed", "truck", 22)
    _site(con, "S-meter", "夏县某食品有限公司", 0.3, 90, address="山西省运城市夏县瑶峰镇唐回村8号")
    _part(con, "S-meter", "night_load", "power", 30)
    _tip(con, "JB1", "唐回村往东的路边", "唐回村往东的路边一家厂子半夜有大车进出，怀疑在偷偷搞化工。")
    assert attach_tips(con, AS_OF) == 1
    assert _site_of(con, "JB1")[0] == "S-trucks"

    con = _county()
    _site(con, "S-trucks", "夏县某建材有限公司", 0.5, 10, address="山西省运城市夏县瑶峰镇唐回村5号")
    _part(con, "S-trucks", "waybill_mismatch", "truck", 10)
    _tip(con, "JB1", "唐回村往东的路边", "唐回村往东的路边一家厂子半夜有大车进出，怀疑在偷偷搞化工。")
    assert attach_tips(con, AS_OF) == 0


def test_an_idle_plant_tip_fits_the_plant_the_meter_saw_restart():
    """'瑶峰镇一带闲置厂房夜里机器响': of the township's firms, the one whose meter came back after
    months idle (risk 60) takes the tip, not a louder one that never stopped (risk 150); a
    household is no plant."""
    con = _county()
    _site(con, "S-idle", "夏县天宇食品有限公司", 3.0, 60)
    _part(con, "S-idle", "idle_restart", "power", 34)
    _site(con, "S-loud", "夏县永兴建材有限公司", 5.0, 150)
    _part(con, "S-loud", "power_surge", "power", 30)
    _site(con, "S-house", "赵六", 2.0, 200, kind="power_account")
    frames.insert(con, "power_accounts", [frames.account(
        "S-house", tariff_class="居民生活用电", name="赵六", township="瑶峰镇")])
    _tip(con, "JB1", "瑶峰镇一带", "瑶峰镇一带闲置厂房夜里机器响、味道呛人，怀疑在偷偷搞化工。")
    assert attach_tips(con, AS_OF) == 1
    assert _site_of(con, "JB1") == ("S-idle", "tip_area", 0.5)


def test_a_factory_tip_fits_a_firm_before_a_louder_house():
    """'唐回村往东的路边一家厂子晚上有刺鼻气味': a registered firm of the village whose meter the
    data saw (risk 30) takes it from a louder household (risk 200): a 厂子 is more likely a firm
    or a business meter than a house (fit no_business), while fit still comes first."""
    con = _county()
    _site(con, "S-firm", "夏县百川家具有限公司", 0.5, 30, address="山西省运城市夏县瑶峰镇唐回村5号")
    _part(con, "S-firm", "power_yoy", "power", 17)
    _site(con, "S-house", "赵六", 0.3, 200, kind="power_account", address="山西省运城市夏县瑶峰镇唐回村8号")
    frames.insert(con, "power_accounts", [frames.account(
        "S-house", tariff_class="居民生活用电", name="赵六", township="瑶峰镇")])
    _part(con, "S-house", "relit", "ledger", 60)
    _part(con, "S-house", "night_load", "power", 30)  # the meter saw it too
    _tip(con, "JB1", "唐回村往东的路边", "唐回村往东的路边一家厂子晚上有刺鼻气味，怀疑在偷偷搞化工。")
    assert attach_tips(con, AS_OF) == 1
    assert _site_of(con, "JB1")[:2] == ("S-firm", "tip_area")


def _truck_stop(con, site_id: str, stay_id: int, hour: int, minutes: float, night: bool) -> None:
    con.execute("create table if not exists truck_stays (stay_id bigint, plate varchar,"
                " started_at timestamp, duration_min double, night boolean)")
    con.execute("create table if not exists truck_place_visits (stay_id bigint, place_id varchar)")
    start = dt.datetime(2026, 11, 21, hour)
    con.execute("insert into truck_stays values (?, '晋MA0001', ?, ?, ?)", [stay_id, start, minutes, night])
    con.execute("insert into truck_place_visits values (?, ?)", [stay_id, f"TP-{site_id}"])
    con.execute("insert into site_members values (?, 'truck_place', ?, 'near_truck_place', 1.0, null, null, null)",
                [site_id, f"TP-{site_id}"])


def test_trucks_at_night_that_no_detector_flagged_still_corroborate_a_tip():
    """'四辛庄村附近一家厂子半夜有大车进出': no detector found anything in the village, but a
    hazmat truck stopped an hour at 2 a.m. at one firm there (one stop: below every truck
    detector). That firm takes the tip. A truck parked all night at a house (a driver at home)
    and a daytime delivery to another firm do not count; two firms with night stops cannot be
    told apart and the tip stays a lead of its own."""
    con = _county()
    _site(con, "S-feed", "夏县华泰饲料有限公司", 0.4, 0, address="山西省运城市夏县瑶峰镇唐回村村西")
    _site(con, "S-day", "夏县某建材有限公司", 0.2, 0, address="山西省运城市夏县瑶峰镇唐回村5号")
    _site(con, "S-home", "李四", 0.1, 0, address="山西省运城市夏县瑶峰镇唐回村", kind="power_account")
    _truck_stop(con, "S-feed", 1, 2, 61, True)
    _truck_stop(con, "S-day", 2, 10, 60, False)
    _truck_stop(con, "S-home", 3, 21, 600, True)
    _tip(con, "JB1", "唐回村附近", "唐回村附近一家厂子半夜有大车进出，怀疑在偷偷搞化工。")
    assert attach_tips(con, AS_OF) == 1
    assert _site_of(con, "JB1")[:2] == ("S-feed", "tip_area")

    con = _county()
    for i, site in enumerate(("S-a", "S-b")):
        _site(con, site, f"夏县{site}建材有限公司", 0.2 * (i + 1), 0, address="山西省运城市夏县瑶峰镇唐回村")
        _truck_stop(con, site, i, 2, 61, True)
    _tip(con, "JB1", "唐回村附近", "唐回村附近一家厂子半夜有大车进出，怀疑在偷偷搞化工。")
    assert attach_tips(con, AS_OF) == 0
