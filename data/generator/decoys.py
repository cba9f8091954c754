"""Innocent look-alikes: each shares a signal with the planted sites and is recorded as a decoy.

Night load (cold stores, ice and bread makers, water works, 24-hour park plants), surges
(irrigation rounds, new businesses ramping, legitimate new orders), suspicious names
(生物/科技/新材料 firms doing non-chemical work), chemicals in the 经营范围 (fuel retailers,
agri-supply shops, licensed traders), three-phase rural houses, closed sites that stay dark,
chemical producers that need no permit, ordinary firms receiving hazardous goods by truck.
The licensed park plants and fuel stations are built here too: they are the county's legal
chemical economy, and the trucks' usual destinations.
"""

from __future__ import annotations

from data.generator import texts as tx
from data.generator.population import SCALES, County, add_permit, place_name

PARK_PRODUCTS = ["甲醇、甲醛溶液", "乙酸乙酯、乙酸", "盐酸、次氯酸钠溶液", "氢氧化钠溶液",
                 "异丙醇、丙酮", "硫酸、过氧化氢溶液"]


def _decoy(c: County, kind: str, desc: str, firm: dict | None, accts: list[dict],
           lon: float, lat: float, township: str) -> dict:
    d = dict(id=f"D{len(c.decoys) + 1:03d}", kind=kind, description=desc,
             account_nos=[a["account_no"] for a in accts], usccs=[firm["uscc"]] if firm else [],
             plates=[], lon=round(lon, 6), lat=round(lat, 6), township=township)
    c.decoys.append(d)
    return d


def _park(c: County, n: int) -> None:
    """Licensed 24-hour chemical plants in the park (some also hold a storage licence)."""
    rng = c.rng
    plon, plat = c.world.places["park"][0]
    v = c.village("禹王镇")
    for _ in range(n):
        lon, lat = c.near(plon, plat, 500)
        prod = str(rng.choice(PARK_PRODUCTS))
        f = c.add_firm(key="化工", v=v, lon=lon, lat=lat, code=str(rng.choice(["2614", "2661",
                       "2669"])), name=tx.firm_name(rng, "化工", "有限公司"),
                       scope=f"危险化学品生产（{prod}）；化工产品销售（不含许可类化工产品）",
                       address=f"山西省运城市夏县化工集中区{rng.integers(1, 40)}号")
        a = c.add_account(name=f["name"], v=v, lon=lon, lat=lat, tariff="大工业用电",
                          profile="factory_24h", base_kwh=rng.uniform(3000, 12000),
                          three_phase=True, uscc=f["uscc"], address=f["address"], kva=2500.0)
        add_permit(c, f, "安全生产许可", prod)
        c.park_firms.append((f, a))
        _decoy(c, "park_24h_plant", "园区持证化工企业，24小时连续生产，夜间罐车进出", f, [a],
               lon, lat, v["township"])
        c.visits.append(dict(owner=c.decoys[-1]["id"], lon=lon, lat=lat, night=True,
                             dwell_min=60.0, cargo=prod.split("、")[0], waybill="self",
                             tanker=True, consignee=f, outside=True, legit=True))


def _fuel(c: County) -> None:
    """Licensed fuel stations on the roads; scope lists 汽油/柴油 (some 甲醇燃料)."""
    rng = c.rng
    for lon, lat in c.world.places["fuel"]:
        v = c.village()
        brand = str(rng.choice(["中国石化销售股份有限公司山西运城", "中国石油天然气股份有限公司山西运城",
                                "夏县"]))
        name = f"{brand}{place_name(v['village'])}加油站" if brand != "夏县" else tx.firm_name(
            rng, "石油", "有限公司")
        f = c.add_firm(key="fuel", v=v, lon=float(lon), lat=float(lat), name=name, code="5265",
                       scope="汽油、柴油零售；" + ("甲醇燃料零售；" if rng.random() < .3 else "")
                       + "润滑油、预包装食品零售")
        a = c.add_account(name=name, v=v, lon=float(lon), lat=float(lat),
                          tariff="一般工商业用电", profile="fuel", base_kwh=rng.uniform(60, 200),
                          three_phase=True, address=f["address"])
        add_permit(c, f, "经营许可(带储存)", "汽油、柴油")
        c.fuel_firms.append(f)
        _decoy(c, "fuel_retailer", "持证加油站，经营范围含汽油、柴油，罐车定期卸油", f, [a],
               float(lon), float(lat), v["township"])
        c.visits.append(dict(owner=c.decoys[-1]["id"], lon=float(lon), lat=float(lat),
                             night=rng.random() < .4, dwell_min=45.0, cargo="柴油",
                             waybill="self", tanker=True, consignee=f, outside=True, legit=True))


# kind, firm key word, scope, code, tariff, profile, base kWh, description
NIGHT_KINDS = [
    ("cold_store", "冷链仓储", "低温仓储；果品、蔬菜冷藏保鲜服务", "5930", "一般工商业用电",
     "cold_store", 600, "果品冷库，全天制冷，夏季用电高"),
    ("ice_maker", "制冰", "食用冰、工业冰生产销售", "1493", "一般工商业用电", "ice", 500,
     "制冰厂，夜间谷电制冰"),
    ("bakery_night", "食品", "糕点、面包生产销售；食品销售", "1419", "一般工商业用电", "bakery",
     250, "面包坊，凌晨烘焙"),
    ("water_works", "供水", "自来水生产和供应；供水设施维护", "4610", "大工业用电", "water",
     1500, "水厂，夜间加压供水"),
]


def _night_plants(c: County, n_each: int) -> None:
    rng = c.rng
    for kind, word, scope, code, tariff, profile, base, desc in NIGHT_KINDS:
        for _ in range(n_each):
            v = c.village()
            lon, lat = c.near(v["lon"], v["lat"], 700)
            f = c.add_firm(key=word, v=v, lon=lon, lat=lat, scope=scope, code=code,
                           name=tx.firm_name(rng, word, "有限公司"))
            a = c.add_account(name=f["name"], v=v, lon=lon, lat=lat, tariff=tariff,
                              profile=profile, base_kwh=base * rng.lognormal(0, .4),
                              three_phase=True, address=f["address"],
                              uscc=f["uscc"] if rng.random() < .5 else "")
            _decoy(c, kind, desc, f, [a], lon, lat, v["township"])
            if kind == "water_works":
                add_permit(c, f, "使用许可", "次氯酸钠溶液")


NAMED = [("生物科技", "生物有机肥、微生物菌剂生产销售；农业技术推广", "2625", "factory_day", 300,
          "生物有机肥厂（发酵，非化工）"),
         ("新材料科技", "塑钢门窗、铝合金型材加工；新型建筑材料销售", "2922", "factory_day", 350,
          "新材料门窗厂"),
         ("网络科技", "软件开发；信息技术服务；电子商务", "6513", "office", 30, "软件公司"),
         ("生物科技", "食用菌种植、销售；生物技术推广", "0141", "farm", 150, "食用菌大棚"),
         ("农业科技", "农业技术开发；果树种植；农产品初加工", "7511", "irrigation", 120,
          "农业科技公司（果园灌溉）")]


def _named(c: County, n: int) -> None:
    rng = c.rng
    for k in range(n):
        word, scope, code, profile, base, desc = NAMED[k % len(NAMED)]
        v = c.village()
        lon, lat = c.near(v["lon"], v["lat"], 1000)
        f = c.add_firm(key=word, v=v, lon=lon, lat=lat, scope=scope, code=code,
                       name=tx.firm_name(rng, word, "有限公司"))
        a = c.add_account(name=f["name"], v=v, lon=lon, lat=lat, tariff="一般工商业用电",
                          profile=profile, base_kwh=base * rng.lognormal(0, .4),
                          three_phase=profile != "office", address=f["address"])
        _decoy(c, "named_biotech_legit", desc, f, [a], lon, lat, v["township"])


def _ramp_and_surge(c: County, n: int) -> None:
    """New businesses ramping up, and established ones with a legitimate new line."""
    rng = c.rng
    for k in range(n):
        key = str(rng.choice(["food", "metal", "building", "plastics", "furniture"]))
        v = c.village()
        lon, lat = c.near(v["lon"], v["lat"], 900)
        _, _, _, _, tariff, profile, _, base = tx.FIRMS[key]
        new = k % 2 == 0
        start = c.n_days - int(rng.integers(20, 120)) if new else None
        f = c.add_firm(key=key, v=v, lon=lon, lat=lat,
                       founded_idx=(start - 60) if start is not None else None)
        a = c.add_account(name=f["name"], v=v, lon=lon, lat=lat, tariff=tariff, profile=profile,
                          base_kwh=base * rng.lognormal(0, .4), three_phase=True,
                          address=f["address"], start_idx=start, ramp_days=45 if new else 0)
        if not new:  # a big order: a second shift, days only, weeks ago
            a.update(extra_profile="factory_day", extra_kwh=a["base_kwh"] * rng.uniform(1.5, 3),
                     extra_start=c.n_days - int(rng.integers(15, 80)), extra_ramp=5)
        _decoy(c, "new_business_ramp" if new else "legit_surge",
               "新开业企业，用电逐月爬升" if new else "老企业接到新订单，增开班次，用电激增",
               f, [a], lon, lat, v["township"])


def _shops(c: County, n: int, all_traders: bool = False) -> None:
    """Agri-supply and hardware shops whose scope lists 化肥/农药; licensed traders."""
    rng = c.rng
    for k in range(n):
        v = c.village()
        lon, lat = c.near(v["lon"], v["lat"], 300)
        trader = all_traders or k % 3 == 2
        key = "agri_supply" if not trader else "化工贸易"
        f = c.add_firm(key=key, v=v, lon=lon, lat=lat, **({} if not trader else dict(
            name=tx.firm_name(rng, "化工贸易", "有限公司"), code="5169",
            scope="危险化学品经营（不带储存）；化工产品、建材、五金销售")))
        a = c.add_account(name=f["name"], v=v, lon=lon, lat=lat, tariff="一般工商业用电",
                          profile="shop" if not trader else "office",
                          base_kwh=15 * rng.lognormal(0, .4), three_phase=False,
                          address=f["address"])
        if trader:
            add_permit(c, f, "经营许可(不带储存)", "甲醇、乙醇、丙酮、盐酸、硫酸")
        _decoy(c, "chem_trader_licensed" if trader else "agri_supply",
               "持证化工贸易公司（不带储存）" if trader else "农资店，经营范围含化肥、农药零售",
               f, [a], lon, lat, v["township"])


def _houses(c: County, n: int) -> None:
    """Rural houses with three-phase power and real work: mills, welders, a few at night."""
    rng = c.rng
    for k in range(n):
        v = c.village()
        lon, lat = c.near(v["lon"], v["lat"], 250)
        night = k % 3 == 0
        a = c.add_account(name=tx.person(rng), v=v, lon=lon, lat=lat, tariff="居民生活用电",
                          profile="res", base_kwh=5 * rng.lognormal(0, .3), three_phase=True,
                          kva=16.0)
        a.update(extra_profile="ice" if night else "workshop", extra_kwh=rng.uniform(15, 60),
                 extra_start=-int(rng.integers(0, 900)), extra_duty=.7)
        _decoy(c, "home_workshop", "农户三相电：" + ("夜间电采暖/烘干" if night else "磨面、电焊"),
               None, [a], lon, lat, v["township"])


def _closed_dark(c: County, n: int) -> None:
    """Ledger entries that stay dark (some with a legitimate new tenant)."""
    rng = c.rng
    for k in range(n):
        v = c.village()
        lon, lat = c.near(v["lon"], v["lat"], 1000)
        name = f"{place_name(v['village'])}{tx.person(rng)}{rng.choice(['作坊', '加工点', '厂'])}"
        closed_idx = c.n_days - int(rng.integers(100, 900))
        a = c.add_account(name=name, v=v, lon=lon, lat=lat, tariff="一般工商业用电",
                          profile="idle", base_kwh=rng.uniform(.1, 1), three_phase=True,
                          end_idx=closed_idx + 30 if rng.random() < .5 else 10**6)
        a.update(extra_profile="reactor_night", extra_kwh=rng.uniform(100, 600),
                 extra_start=closed_idx - int(rng.integers(60, 300)), extra_end=closed_idx)
        accts = [a]
        reused = k % 3 == 0
        if reused:  # a warehouse moved in, days only
            accts.append(c.add_account(name=tx.firm_name(rng, "仓储", "有限公司"), v=v, lon=lon,
                                       lat=lat, tariff="一般工商业用电", profile="workshop",
                                       base_kwh=rng.uniform(20, 80), three_phase=True,
                                       address=a["address"], start_idx=c.n_days - 90,
                                       ramp_days=20))
        c.closed.append(dict(name=name, township=v["township"], address=a["address"],
                             principal=tx.person(rng), stage="生产", violation="无证生产化工产品",
                             chemicals=str(rng.choice(["桶装原料约1吨", "反应釜2台", "不详"])),
                             measures=str(rng.choice(["关闭取缔", "拆除装置"])),
                             account_no=a["account_no"] if rng.random() < .6 else "", uscc="",
                             closed_on=c.date_at(closed_idx), lon=lon, lat=lat))
        _decoy(c, "closed_reused" if reused else "closed_dark",
               "已关停点位，现为合法仓储" if reused else "已关停点位，保持断电", None, accts,
               lon, lat, v["township"])


def _pumps(c: County, n: int) -> None:
    """Record some of the ordinary irrigation wells as decoys: seasonal surges, nights too."""
    wells = [a for a in c.accounts if a["profile"] == "irrigation"][:n]
    for a in wells:
        _decoy(c, "irrigation_pump", "农灌机井，浇地季节昼夜抽水", None, [a], a["lon"], a["lat"],
               a["township"])


# Chemical producers that need no hazardous-chemical permit: their products are not in the
# 危险化学品目录 (water-based coatings, water treatment agents, fertiliser, detergents,
# concrete admixtures, plastics compounding, glues). Every real county's registry holds such
# firms under GB/T 4754 division 26, some named 化工 or 科技, some buying a hazardous raw
# material by tanker. word, scope, code, profile, base kWh, raw material by road, description
NO_PERMIT_CHEM = [
    ("涂料", "水性涂料、腻子粉、真石漆生产、销售（不含危险化学品）", "2641", "factory_day", 300, "",
     "水性涂料厂（产品不属危险化学品，无需安全生产许可）"),
    ("净水材料", "水处理剂（聚合氯化铝、聚丙烯酰胺）生产、销售（不含危险化学品）", "2662", "factory_24h",
     700, "盐酸", "净水剂厂，盐酸为原料（使用，不需许可）"),
    ("复合肥", "复混肥料、掺混肥料生产、销售；化肥销售", "2624", "factory_day", 600, "",
     "复合肥厂（掺混造粒）"),
    ("日化", "洗衣液、洗洁精、洗手液生产、销售（不含危险化学品）", "2681", "factory_day", 200,
     "氢氧化钠溶液", "日化厂，液碱为原料"),
    ("建材科技", "混凝土外加剂（聚羧酸减水剂）生产、销售；建材销售", "2662", "factory_day", 400, "丙烯酸",
     "混凝土外加剂厂，名称含科技，罐车运来丙烯酸（使用，不需许可）"),
    ("塑胶", "改性塑料颗粒、色母粒生产、销售", "2651", "factory_24h", 1500, "",
     "塑料改性造粒厂，24小时生产"),
    ("化工", "白乳胶、水性胶粘剂、腻子粉生产、销售（不含危险化学品）", "2669", "factory_day", 250, "",
     "胶粘剂厂，名称含化工，产品不属危险化学品"),
]

# Ordinary firms that legally receive hazardous goods by hazmat truck, under an e-waybill that
# names them (users need no permit): FIRMS key, cargo, tanker, description
HAZMAT_USERS = [
    ("restaurant", "液化石油气", True, "酒店自设液化石油气储罐，槽车白天充装"),
    ("building", "柴油", True, "建材厂自备柴油给铲车、搅拌车加注，罐车送油"),
    ("metal", "氧气", False, "钢结构厂切割用氧气，气瓶车送货"),
    ("furniture", "稀释剂", False, "家具厂喷漆用稀释剂、油漆，危货车送货"),
    ("brick", "柴油", True, "砖厂自备柴油，罐车送油"),
    ("metal", "溶解乙炔", False, "钢结构厂焊割用乙炔，气瓶车送货"),
    ("food", "液化石油气", True, "食品厂锅炉用液化石油气，槽车送气"),
]


def _no_permit_chem(c: County, n: int) -> None:
    rng = c.rng
    for k in range(n):
        word, scope, code, profile, base, raw, desc = NO_PERMIT_CHEM[k % len(NO_PERMIT_CHEM)]
        v = c.village()
        lon, lat = c.near(v["lon"], v["lat"], 1200)
        f = c.add_firm(key=word, v=v, lon=lon, lat=lat, scope=scope, code=code,
                       name=tx.firm_name(rng, word, "有限公司"))
        a = c.add_account(name=f["name"], v=v, lon=lon, lat=lat,
                          tariff="大工业用电" if base >= 600 else "一般工商业用电", profile=profile,
                          base_kwh=base * rng.lognormal(0, .4), three_phase=True,
                          address=f["address"], uscc=f["uscc"] if rng.random() < .5 else "")
        _decoy(c, "chem_no_permit_needed", desc, f, [a], lon, lat, v["township"])
        if raw:
            c.visits.append(dict(owner=c.decoys[-1]["id"], lon=lon, lat=lat, night=False,
                                 dwell_min=float(rng.uniform(30, 90)), cargo=raw, waybill="self",
                                 tanker=True, consignee=f, outside=False, legit=True,
                                 reps=(1, 4)))


def _hazmat_users(c: County, n: int) -> None:
    rng = c.rng
    for k in range(n):
        key, cargo, tanker, desc = HAZMAT_USERS[k % len(HAZMAT_USERS)]
        v = c.village()
        _, _, _, _, tariff, profile, _, base = tx.FIRMS[key]
        lon, lat = c.near(v["lon"], v["lat"], 350 if profile == "shop" else 900)
        f = c.add_firm(key=key, v=v, lon=lon, lat=lat)
        a = c.add_account(name=f["name"], v=v, lon=lon, lat=lat, tariff=tariff, profile=profile,
                          base_kwh=base * rng.lognormal(0, .4), three_phase=True,
                          address=f["address"])
        _decoy(c, "hazmat_user", desc, f, [a], lon, lat, v["township"])
        c.visits.append(dict(owner=c.decoys[-1]["id"], lon=lon, lat=lat,
                             night=bool(rng.random() < .1), dwell_min=float(rng.uniform(15, 60)),
                             cargo=cargo, waybill="self", tanker=tanker, consignee=f,
                             outside=False, legit=True, reps=(1, 5), tons=(1, 6)))


def build_decoys(c: County, scale: str, progress) -> None:
    k = 1 if scale == "small" else 4
    _park(c, 4 if scale == "small" else 12)
    _fuel(c)
    _night_plants(c, k)
    _named(c, 5 * k)
    _ramp_and_surge(c, 4 * k)
    _shops(c, 3 * k)
    _houses(c, 3 * k)
    _closed_dark(c, 3 * k)
    _pumps(c, 3 * k)
    if scale != "province_block":  # the province benchmark's blocks stay as measured (v4)
        _no_permit_chem(c, 3 * k)
        _hazmat_users(c, 4 * k)
    n_perm = SCALES[scale][2]
    while len(c.permits) < n_perm:  # more licensed traders to reach the county's permit count
        _shops(c, 1, all_traders=True)
    progress(f"  干扰项: {len(c.decoys)} 个; 许可 {len(c.permits)} 张")
