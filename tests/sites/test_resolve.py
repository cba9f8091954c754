"""Entity resolution on tiny hand-made records; and the floor on a generated county."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from pathlib import Path

import pytest

from sites._sql import run
from sites.resolve import ResolveParams, _ensure_truck_places, check_unique_ids, resolve_sites
from sources.warehouse import Warehouse

AS_OF = dt.date(2026, 11, 30)


@pytest.fixture
def con(tmp_path: Path):
    con = Warehouse(tmp_path / "w.duckdb").connect()
    con.execute("create table truck_places (place_id varchar, lon double, lat double)")
    yield con
    con.close()


def _registry(con, uscc, name, address, town, lon=None, lat=None):
    con.execute("insert into registry (uscc, name, status, address, township, lon, lat, status_class) "
                "values (?, ?, '存续', ?, ?, ?, ?, 'active')", [uscc, name, address, town, lon, lat])


def _account(con, no, name, address, cls, lon, lat, uscc=None, town=None):
    con.execute("insert into power_accounts (account_no, account_name, address, tariff_class, uscc, "
                "township, lon, lat) values (?, ?, ?, ?, ?, ?, ?, ?)",
                [no, name, address, cls, uscc, town, lon, lat])


def _site_of(con, kind, key):
    return con.execute("select site_id, rule from site_members where member_kind = ? and member_key = ?",
                       [kind, key]).fetchone()


def test_firm_its_account_and_a_tenant_in_its_yard_are_one_site(con):
    """The firm's account shares its code; 魏玉杰's account sits at the same unnumbered
    address 12 m away (厂中厂); the household across the village does not join."""
    _registry(con, "911408286890758KW5", "夏县盐池源饲料有限公司", "山西省运城市夏县禹王镇中秦村村北", "禹王镇")
    _account(con, "001", "夏县盐池源饲料有限公司", "山西省运城市夏县禹王镇中秦村村北", "一般工商业用电",
             111.16326, 35.14802, uscc="911408286890758KW5")
    _account(con, "002", "魏玉杰", "山西省运城市夏县禹王镇中秦村村北", "一般工商业用电", 111.16325, 35.14813)
    _account(con, "003", "魏玉兰", "山西省运城市夏县禹王镇中秦村村北", "居民生活用电", 111.16500, 35.14900)
    resolve_sites(con, AS_OF)
    firm = _site_of(con, "registry", "911408286890758KW5")
    assert _site_of(con, "power_account", "001") == (firm[0], "uscc")
    assert _site_of(con, "power_account", "002") == (firm[0], "colocated")
    assert _site_of(con, "power_account", "003")[0] != firm[0]
    assert con.execute("select name, township from sites where site_id = ?", [firm[0]]).fetchone() == (
        "夏县盐池源饲料有限公司", "禹王镇")


def test_an_account_whose_address_is_inside_a_firms_yard_joins_the_firm_further_out(con):
    """邹文娟's 动力电 account says 新晋村村西院内, 55 m from the firm at 新晋村村西 (a yard is
    wider than colocated_m): one site, rule yard. 王五 at plain 新晋村村西, as far, stays apart;
    李六's 院内 account 400 m off is no part of this yard."""
    _registry(con, "91140828097513QAJ9", "夏县百川兴建材有限公司", "山西省运城市夏县胡张乡新晋村村西", "胡张乡",
              111.114386, 35.165627)
    _account(con, "011", "邹文娟", "山西省运城市夏县胡张乡新晋村村西院内", "一般工商业用电", 111.114456, 35.166119)
    _account(con, "012", "王五", "山西省运城市夏县胡张乡新晋村村西", "居民生活用电", 111.114456, 35.165135)
    _account(con, "013", "李六", "山西省运城市夏县胡张乡新晋村村西院内", "一般工商业用电", 111.119, 35.1662)
    resolve_sites(con, AS_OF)
    firm = _site_of(con, "registry", "91140828097513QAJ9")
    assert _site_of(con, "power_account", "011") == (firm[0], "yard")
    assert _site_of(con, "power_account", "012")[0] != firm[0]
    assert _site_of(con, "power_account", "013")[0] != firm[0]


def test_same_short_name_in_two_townships_stays_apart(con):
    """泰和商贸 in 瑶峰镇 and 运城泰和商贸 in 禹王镇: one normalised name, two places."""
    _registry(con, "A1", "夏县泰和商贸有限公司", "山西省运城市夏县瑶峰镇上北师村", "瑶峰镇")
    _account(con, "010", "夏县泰和商贸有限公司", "山西省运城市夏县瑶峰镇上北师村", "一般工商业用电", 111.2, 35.1)
    _account(con, "011", "运城市泰和商贸有限公司", "山西省运城市夏县禹王镇史庄村", "一般工商业用电", 111.1, 35.2,
             town="禹王镇")
    resolve_sites(con, AS_OF)
    assert _site_of(con, "power_account", "010") == (_site_of(con, "registry", "A1")[0], "name")
    assert _site_of(con, "power_account", "011")[0] != _site_of(con, "registry", "A1")[0]


def test_neighbouring_households_are_separate_sites(con):
    for i in range(3):
        _account(con, f"02{i}", f"张{'一二三'[i]}", "山西省运城市夏县瑶峰镇上优村村东", "居民生活用电",
                 111.2 + i * 0.0001, 35.1)
    assert resolve_sites(con, AS_OF) == 3


def test_truck_place_joins_the_firm_next_to_it_and_a_remote_one_stands_alone(con):
    """A place 60 m from a firm's meter joins it; one in the fields gets its own site and
    takes the township of its nearest neighbour."""
    _account(con, "030", "夏县某化工有限公司", "山西省运城市夏县化工集中区3号", "大工业用电", 111.18, 35.12,
             town="禹王镇")
    con.execute("insert into truck_places values ('P1', 111.1806, 35.1201), ('P2', 111.25, 35.16)")
    resolve_sites(con, AS_OF)
    firm = _site_of(con, "power_account", "030")[0]
    assert _site_of(con, "truck_place", "P1") == (firm, "near_truck_place")
    remote = _site_of(con, "truck_place", "P2")[0]
    assert remote != firm
    assert con.execute("select township from sites where site_id = ?", [remote]).fetchone() == ("禹王镇",)


def test_truck_place_on_a_houses_meter_is_that_house_not_a_firm_nearby(con):
    """Trucks unload at a house (the place lies on its meter point, 1 m); a firm's geocoded
    registration is 45 m off: the house takes the place. At another place the house is 25 m
    away and a firm's business account 40 m: the firm does (a household counts 30 m farther)."""
    _account(con, "050", "付民宁", "山西省运城市夏县裴介镇朱吕村", "居民生活用电", 111.14, 35.23, town="裴介镇")
    _registry(con, "91140828MA0506KR2X", "山西华泰食品有限公司", "山西省运城市夏县裴介镇朱吕村村北", "裴介镇",
              111.14 + 45 / 91_000, 35.23)
    _account(con, "051", "王五", "山西省运城市夏县裴介镇西村", "居民生活用电", 111.30, 35.20, town="裴介镇")
    _account(con, "052", "夏县某建材有限公司", "山西省运城市夏县裴介镇西村5号", "一般工商业用电",
             111.30 + 65 / 91_000, 35.20, town="裴介镇")
    con.execute("insert into truck_places values ('P1', 111.14 + 1 / 91_000, 35.23), "
                "('P2', 111.30 + 25 / 91_000, 35.20)")
    resolve_sites(con, AS_OF)
    assert _site_of(con, "truck_place", "P1") == (_site_of(con, "power_account", "050")[0], "near_truck_place")
    assert _site_of(con, "truck_place", "P2") == (_site_of(con, "power_account", "052")[0], "near_truck_place")


def test_tip_naming_a_person_in_a_village_joins_their_account(con):
    _account(con, "040", "丁文", "山西省运城市夏县裴介镇西浒村2组", "一般工商业用电", 111.10, 35.25, town="裴介镇")
    _account(con, "041", "丁武", "山西省运城市夏县裴介镇东浒村2组", "一般工商业用电", 111.11, 35.25, town="裴介镇")
    con.execute("insert into tips (tip_no, tipped_at, address, content) values "
                "('T1', '2026-11-18', '裴介镇西浒村丁文家院子', '夜里有罐车卸油')")
    resolve_sites(con, AS_OF)
    assert _site_of(con, "tip", "T1") == (_site_of(con, "power_account", "040")[0], "tip_words")


def test_a_village_name_recurring_elsewhere_links_only_what_is_colocated(con):
    """中秦村 of 禹王镇 also lies ~40 km east (another county's 禹王镇): a yard's tenant joins the
    firm 12 m away, not the firm at the same address in the other 中秦村; a sole trader's shop
    joins the account in the owner's name (two or three characters) in its own village only."""
    addr = "山西省运城市夏县禹王镇中秦村村北"
    _registry(con, "R1", "夏县盐池源饲料有限公司", addr, "禹王镇")
    _account(con, "001", "夏县盐池源饲料有限公司", addr, "一般工商业用电", 111.16326, 35.14802, uscc="R1")
    _account(con, "002", "魏玉杰", addr, "一般工商业用电", 111.16325, 35.14813)
    _registry(con, "R2", "夏县远方建材有限公司", addr, "禹王镇")
    _account(con, "003", "夏县远方建材有限公司", addr, "一般工商业用电", 111.60326, 35.14802, uscc="R2")
    _account(con, "004", "魏玉兰", addr, "一般工商业用电", 111.60325, 35.14813)
    _registry(con, "R3", "夏县禹王镇魏丁便利店", addr, "禹王镇")
    _account(con, "005", "魏丁", addr, "居民生活用电", 111.17, 35.15)
    _registry(con, "R4", "夏县禹王镇丁玉杰农资店", addr, "禹王镇")
    _account(con, "006", "丁玉杰", addr, "居民生活用电", 111.171, 35.15)
    _account(con, "007", "魏丁", "山西省运城市夏县禹王镇史庄村", "居民生活用电", 111.18, 35.16)
    resolve_sites(con, AS_OF)
    near, far = _site_of(con, "registry", "R1")[0], _site_of(con, "registry", "R2")[0]
    assert near != far
    assert _site_of(con, "power_account", "002") == (near, "colocated")
    assert _site_of(con, "power_account", "004") == (far, "colocated")
    assert _site_of(con, "power_account", "005") == (_site_of(con, "registry", "R3")[0], "holder_name")
    assert _site_of(con, "power_account", "006") == (_site_of(con, "registry", "R4")[0], "holder_name")
    assert _site_of(con, "power_account", "007")[0] != _site_of(con, "registry", "R3")[0]


@pytest.mark.parametrize("colocated_m", [30.0, 300.0])
def test_colocated_and_holder_links_are_their_plain_definition(demo_county, colocated_m):
    """The grid and name-piece joins of `edges` find exactly the pairs of the plain village
    self-join: one side a firm, one address extending the other, within colocated_m; a shop
    whose name contains a person-named account's, in one village."""
    _, wh = demo_county
    con = wh.connect()
    _ensure_truck_places(con)
    params = asdict(ResolveParams(colocated_m=colocated_m))
    for name in ("records", "apart", "edges"):
        run(con, "resolve.sql", name, params)
    got = con.execute("""select a, b, rule from _links where rule in ('colocated', 'holder_name')
                         order by all""").fetchall()
    plain = con.execute("""
        select a.node, b.node, 'colocated'
        from _records as a join _records as b
          on a.town = b.town and a.village = b.village and a.node < b.node
        where a.village <> '' and a.lon is not null and b.lon is not null
          and (a.kind in ('registry', 'permit') or (a.kind = 'power_account' and not a.is_person)
               or b.kind in ('registry', 'permit') or (b.kind = 'power_account' and not b.is_person))
          and (starts_with(a.addr_norm, b.addr_norm) or starts_with(b.addr_norm, a.addr_norm))
          and distance_m(a.lon, a.lat, b.lon, b.lat) <= $m
        union all
        select least(a.node, b.node), greatest(a.node, b.node), 'holder_name'
        from _records as a join _records as b
          on a.kind = 'registry' and b.kind = 'power_account' and b.is_person
         and a.village = b.village and a.town = b.town and contains(a.name, b.name)
        where a.village <> ''
        order by all""", {"m": colocated_m}).fetchall()
    con.close()
    assert {r for _, _, r in plain} == {"colocated", "holder_name"}
    assert got == plain


def test_site_ids_stay_when_records_are_added(con):
    _registry(con, "B1", "夏县甲化工有限公司", "山西省运城市夏县化工集中区9号", "禹王镇")
    resolve_sites(con, AS_OF)
    before = _site_of(con, "registry", "B1")[0]
    _account(con, "050", "夏县甲化工有限公司", "山西省运城市夏县化工集中区9号", "大工业用电", 111.18, 35.12,
             uscc="B1")
    resolve_sites(con, AS_OF + dt.timedelta(days=7))
    assert _site_of(con, "registry", "B1")[0] == before == _site_of(con, "power_account", "050")[0]
    assert con.execute("select count(distinct as_of) from site_history").fetchone() == (2,)


def test_site_ids_are_long_enough_for_a_province_and_checked(con):
    """'S' and 16 hex digits of the anchor's hash (10 gave three shared ids among a province's
    2M sites); were two places ever to share one, resolution stops rather than pool them."""
    _registry(con, "B1", "夏县甲化工有限公司", "山西省运城市夏县化工集中区9号", "禹王镇")
    resolve_sites(con, AS_OF)
    (site_id,) = con.execute("select site_id from sites").fetchone()
    assert len(site_id) == 17 and site_id[0] == "S" and int(site_id[1:], 16) >= 0
    con.execute("insert into sites (site_id, anchor_kind, anchor_key) values (?, 'registry', 'B2')", [site_id])
    with pytest.raises(RuntimeError, match=f"场所编号重复.*{site_id}（2 处）"):
        check_unique_ids(con)


def test_generated_county_floor(demo_county):
    """≥ 98 % of each planted site's records end in one site; < 1 % of sites span members
    more than 500 m apart (two unrelated places merged)."""
    from sites import build_places, detect_stays

    truth, wh = demo_county
    con = wh.connect()
    detect_stays(con)
    build_places(con)
    resolve_sites(con, AS_OF)
    together = total = 0
    for p in truth["planted"]:
        keys = [("power_account", a) for a in p["account_nos"]] + [("registry", u) for u in p["usccs"]]
        sites = [con.execute("select site_id from site_members where member_kind = ? and member_key = ?",
                             list(k)).fetchone() for k in keys]
        found = [s[0] for s in sites if s]
        total += len(keys)
        together += max((found.count(s) for s in set(found)), default=0)
    assert together / total >= 0.98
    spread = con.execute("""
        with pts as (
            select m.site_id, coalesce(a.lon, r.lon, t.lon) as lon, coalesce(a.lat, r.lat, t.lat) as lat
            from site_members m
            left join power_accounts a on m.member_kind = 'power_account' and a.account_no = m.member_key
            left join registry r on m.member_kind = 'registry' and r.uscc = m.member_key
            left join truck_places t on m.member_kind = 'truck_place' and t.place_id = m.member_key)
        select avg(case when spread > 500 then 1 else 0 end) from (
            select site_id, max(distance_m(a.lon, a.lat, b.lon, b.lat)) as spread
            from pts a join pts b using (site_id) where a.lon is not null and b.lon is not null
            group by site_id)""").fetchone()[0]
    assert spread < 0.01
    con.close()


def test_truck_place_joins_the_consignee_its_trucks_waybills_name(con):
    """Tankers stop at a point 30 m from a shop's meter and 100 m from a brick works'
    registered point; their waybills those days name the brick works as consignee: the place
    joins the brick works. A second place by the same shop, whose trucks' waybills name a firm
    far away, joins the shop (the nearest)."""
    _account(con, "060", "夏县张村便利店", "山西省运城市夏县尉郭乡张村", "一般工商业用电", 111.20, 35.15,
             town="尉郭乡")
    _registry(con, "91140828MA0607BR1X", "夏县宏发新型墙材有限公司", "山西省运城市夏县尉郭乡张村村东",
              "尉郭乡", 111.20 + 130 / 91_000, 35.15)
    con.execute("insert into truck_places values ('P1', 111.20 + 30 / 91_000, 35.15), "
                "('P2', 111.20 - 30 / 91_000, 35.15)")
    con.execute("""
        create table truck_stays (stay_id varchar, plate varchar, started_at timestamp,
            ended_at timestamp);
        create table truck_place_visits (stay_id varchar, place_id varchar);
        insert into truck_stays values ('s1', '晋MA0001', '2026-11-20 10:00', '2026-11-20 10:40'),
            ('s2', '晋MA0002', '2026-11-24 10:00', '2026-11-24 10:40'),
            ('s3', '晋MA0003', '2026-11-22 10:00', '2026-11-22 10:40');
        insert into truck_place_visits values ('s1', 'P1'), ('s2', 'P1'), ('s3', 'P2')""")
    con.execute("""insert into waybills (waybill_no, plate, consignee, cargo, ship_date) values
        ('W1', '晋MA0001', '夏县宏发新型墙材有限公司', '柴油', '2026-11-20'),
        ('W2', '晋MA0002', '夏县宏发新型墙材有限公司', '柴油', '2026-11-23'),
        ('W3', '晋MA0003', '运城某化工有限公司', '盐酸', '2026-11-22')""")
    resolve_sites(con, AS_OF)
    works = _site_of(con, "registry", "91140828MA0607BR1X")[0]
    shop = _site_of(con, "power_account", "060")[0]
    assert works != shop
    assert _site_of(con, "truck_place", "P1") == (works, "near_truck_place")
    assert _site_of(con, "truck_place", "P2") == (shop, "near_truck_place")
