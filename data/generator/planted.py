"""Planted illegal sites of every category of contract §4, plus 死灰复燃, at varied strength.

Modelled on how the campaign notices say such sites behave: reactors run at night in idle
plants, abandoned farms, rural houses and remote spots; firms stretch past their permit or
their 经营范围; 生物/科技/新材料 names hide chemistry; tenants hide in a host's yard (厂中厂);
diesel is stored and sold from yards. Strength sets how loud each signal is, and every site
lacks some signals (no surge when it started long ago, no truck, no tip, camouflaged names).
"""

from __future__ import annotations

from data.generator import texts as tx
from data.generator.population import County, place_name

STRENGTHS = ("blatant", "moderate", "subtle")
PRODUCTS = ["甲醛", "二氯甲烷回收", "废机油炼制柴油", "塑化剂", "胶粘剂", "医药中间体", "乙酸乙酯提纯",
            "废溶剂蒸馏", "水性涂料", "氯化石蜡"]
# which categories each scale plants (复燃 as ("R", underlying))
PLAN = {
    "small": [1, 2, 3, 4, 5, 6, ("R", 3)],
    "county": [1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 5, 5, 5, 6, 6, ("R", 3), ("R", 5)],
}


def _signal(c: County, strength: str) -> dict:
    """Load and visit parameters for a strength level."""
    rng = c.rng
    n = c.n_days
    if strength == "blatant":
        return dict(kwh=rng.uniform(900, 2500), profile=str(rng.choice(["reactor_night",
                    "reactor_24h"])), start=n - int(rng.integers(20, 45)), duty=rng.uniform(.8, 1),
                    visits=int(rng.integers(3, 7)), night=True, tip=rng.random() < .7)
    if strength == "moderate":
        return dict(kwh=rng.uniform(250, 800), profile=str(rng.choice(["reactor_night",
                    "reactor_24h", "reactor_day"])), start=n - int(rng.integers(45, 160)),
                    duty=rng.uniform(.5, .85), visits=int(rng.integers(1, 3)),
                    night=rng.random() < .6, tip=rng.random() < .35)
    return dict(kwh=rng.uniform(60, 220), profile=str(rng.choice(["reactor_day",
                "reactor_night"])), start=n - int(rng.integers(150, 700)), duty=rng.uniform(.3, .6),
                visits=int(rng.integers(0, 2)), night=rng.random() < .3, tip=rng.random() < .15)


def _site(c: County, cat: int, strength: str, desc: str, lon: float, lat: float, township: str,
          accounts: list[dict], firms: list[dict], relit: bool = False) -> dict:
    site = dict(id=f"P{len(c.sites) + 1:03d}", category=cat, relit=relit, strength=strength,
                description=desc, account_nos=[a["account_no"] for a in accounts],
                usccs=[f["uscc"] for f in firms], plates=[], lon=round(lon, 6),
                lat=round(lat, 6), township=township)
    c.sites.append(site)
    return site


def _visits(c: County, site: dict, sig: dict, cargo: str, waybill: str, tanker: bool = False,
            consignee: dict | None = None) -> None:
    for _ in range(sig["visits"]):
        c.visits.append(dict(owner=site["id"], lon=site["lon"], lat=site["lat"],
                             night=bool(sig["night"] or c.rng.random() < .3),
                             dwell_min=float(c.rng.uniform(25, 120)), cargo=cargo,
                             waybill=waybill, tanker=tanker, consignee=consignee,
                             outside=c.rng.random() < .4))


def _tip(c: County, site: dict, v: dict, what: str) -> None:
    rng = c.rng
    vague = str(rng.choice([f"{place_name(v['village'])}附近", f"{v['township']}一带",
                            f"{place_name(v['village'])}往东的路边", "村外公路旁边"]))
    smell = str(rng.choice(["晚上有刺鼻气味", "半夜有大车进出", "夜里机器响、味道呛人",
                            "经常有罐车来卸货", "排出的水发黑发臭"]))
    c.tips.append(dict(tip_no="", tipped_at=None, target=what if rng.random() < .4 else "",
                       address=vague, content=f"{vague}{what}{smell}，怀疑在偷偷搞化工。",
                       lon=None, lat=None, owner=site["id"],
                       day=c.n_days - int(rng.integers(1, 40))))


def _operate(acct: dict, sig: dict, end: int = 10**6) -> None:
    acct.update(extra_profile=sig["profile"], extra_kwh=float(sig["kwh"]),
                extra_start=int(sig["start"]), extra_end=end, extra_duty=float(sig["duty"]),
                extra_ramp=7)


def _park_firm(c: County) -> tuple[dict, dict]:
    return c.park_firms[int(c.rng.integers(len(c.park_firms)))]


def cat1(c: County, strength: str) -> dict:
    """A licensed park firm producing or storing beyond its permit (or on an expired one)."""
    f, a = _park_firm(c)
    sig = _signal(c, strength)
    sig["kwh"] *= 2
    _operate(a, sig)
    expired = c.rng.random() < .4
    if expired:
        for p in c.permits:
            if p["uscc"] == f["uscc"]:
                p["valid_until"] = c.date_at(c.n_days - int(c.rng.integers(60, 400)))
    prod = str(c.rng.choice(["二氯甲烷", "甲苯", "乙酸乙酯"]))
    s = _site(c, 1, strength, f"园区内持证企业{'许可证已过期仍' if expired else ''}超许可范围"
              f"生产、储存{prod}（许可范围不含），新上装置夜间运行", f["lon"], f["lat"],
              f["township"], [a], [f])
    _visits(c, s, sig, prod, "self")
    return s


def cat2(c: County, strength: str) -> dict:
    """A non-chemical firm (建材/饲料/家具/塑业) doing chemistry without a permit."""
    rng = c.rng
    key = str(rng.choice(["building", "feed", "furniture", "plastics", "metal"]))
    v = c.village()
    lon, lat = c.near(v["lon"], v["lat"], 1200)
    f = c.add_firm(key=key, v=v, lon=lon, lat=lat)
    _, _, _, _, tariff, profile, _, base = tx.FIRMS[key]
    a = c.add_account(name=f["name"], v=v, lon=lon, lat=lat, tariff=tariff, profile=profile,
                      base_kwh=base * rng.lognormal(0, .3), three_phase=True, address=f["address"],
                      uscc=f["uscc"] if rng.random() < .5 else "")
    sig = _signal(c, strength)
    _operate(a, sig)
    prod = str(rng.choice(PRODUCTS))
    s = _site(c, 2, strength, f"{tx.FIRMS[key][0]}企业在厂内私设装置，未经许可生产{prod}",
              lon, lat, v["township"], [a], [f])
    _visits(c, s, sig, str(rng.choice(["甲醇", "甲苯", "二氯甲烷", "盐酸"])),
            str(rng.choice(["elsewhere", "none", "self"])), consignee=c.legit_consignee())
    if sig["tip"]:
        _tip(c, s, v, "一家厂子")
    return s


def cat3(c: County, strength: str, spot: str | None = None) -> dict:
    """An unlicensed workshop in an idle plant, abandoned farm, rural house or remote spot."""
    rng = c.rng
    spots = ["house", "idle_plant", "farm", "mine", "house"]
    spot = spot or spots[sum(s["category"] == 3 for s in c.sites) % len(spots)]
    sig = _signal(c, strength)
    firms: list[dict] = []
    if spot == "house":
        v = c.village()
        lon, lat = c.near(v["lon"], v["lat"], 300)
        a = c.add_account(name=tx.person(rng), v=v, lon=lon, lat=lat, tariff="居民生活用电",
                          profile="res", base_kwh=4 * rng.lognormal(0, .3),
                          three_phase=rng.random() < (.9 if strength != "subtle" else .4),
                          kva=16.0)
        sig["kwh"] *= 0.35
        where = "闲置民房"
    else:
        pool = c.world.places[spot]
        i = int(rng.integers(len(pool)))
        v = c.world.villages.row(int(c.world.places[spot + "_village"][i, 0]), named=True)
        lon, lat = float(pool[i, 0]), float(pool[i, 1])
        if spot == "idle_plant":
            f = c.add_firm(key=str(rng.choice(["building", "food", "furniture"])), v=v, lon=lon,
                           lat=lat, status=str(rng.choice(["停业", "吊销"])))
            firms.append(f)
            a = c.add_account(name=f["name"], v=v, lon=lon, lat=lat, tariff="一般工商业用电",
                              profile="idle", base_kwh=rng.uniform(.5, 4), three_phase=True,
                              address=f["address"])
            where = "闲置厂房"
        elif spot == "farm":
            a = c.add_account(name=f"{place_name(v['village'])}{tx.person(rng)}养殖场", v=v,
                              lon=lon, lat=lat, tariff="农业生产用电", profile="idle",
                              base_kwh=rng.uniform(1, 6), three_phase=True,
                              address=c.address(v, "村外养殖场"))
            where = "废弃养殖场"
        else:
            a = c.add_account(name=f"{place_name(v['village'])}{tx.person(rng)}", v=v, lon=lon,
                              lat=lat, tariff="一般工商业用电", profile="idle",
                              base_kwh=rng.uniform(.2, 2), three_phase=True,
                              address=c.address(v, "山沟（原采石场）"),
                              start_idx=int(sig["start"]) - 20)
            where = "矿山宕口/偏僻地点"
    _operate(a, sig)
    prod = str(rng.choice(PRODUCTS))
    s = _site(c, 3, strength, f"无证无照，利用{where}非法生产{prod}", lon, lat, v["township"],
              [a], firms)
    _visits(c, s, sig, str(rng.choice(["甲醇", "甲苯", "废矿物油", "硫酸", "二甲苯"])),
            str(rng.choice(["none", "elsewhere"])), consignee=c.legit_consignee())
    if sig["tip"] or strength == "blatant":
        _tip(c, s, v, where)
    return s


def cat4(c: County, strength: str) -> dict:
    """厂中厂: a person-named account inside a host firm's yard, at the host's address."""
    rng = c.rng
    host, ha = c.host_firm()
    sig = _signal(c, strength)
    lon, lat = host["lon"] + rng.normal(0, .0002), host["lat"] + rng.normal(0, .0002)
    v = dict(township=host["township"], village=ha["transformer_area"].split("号台区")[0][:-1])
    a = c.add_account(name=tx.person(rng), v=v, lon=lon, lat=lat, tariff="一般工商业用电",
                      profile="idle", base_kwh=rng.uniform(1, 5), three_phase=True,
                      address=host["address"] + str(rng.choice(["", "院内", "后院"])),
                      start_idx=int(sig["start"]) - int(rng.integers(5, 60)))
    _operate(a, sig)
    prod = str(rng.choice(PRODUCTS))
    s = _site(c, 4, strength, f"租赁{host['name']}院内厂房，以个人名义立户，非法生产{prod}",
              lon, lat, host["township"], [a, ha], [host])
    _visits(c, s, sig, str(rng.choice(["甲醇", "丙酮", "二氯甲烷"])),
            str(rng.choice(["self", "none"])), consignee=host)
    return s


def cat5(c: County, strength: str) -> dict:
    """A 生物/科技/新材料-named firm whose power looks like a reactor."""
    rng = c.rng
    v = c.village()
    lon, lat = c.near(v["lon"], v["lat"], 1500)
    word = str(rng.choice(["生物科技", "新材料科技", "环保科技", "化工科技", "新能源科技"]))
    f = c.add_firm(key=word, v=v, lon=lon, lat=lat, code=str(rng.choice(["7320", "7514", "7516"])),
                   scope="生物技术、新材料技术开发、技术咨询、技术服务、技术转让；环保设备销售；"
                         "化工产品销售（不含许可类化工产品）",
                   founded_idx=int(rng.integers(-900, c.n_days - 200)))
    sig = _signal(c, strength)
    a = c.add_account(name=f["name"], v=v, lon=lon, lat=lat, tariff=str(rng.choice(
        ["一般工商业用电", "大工业用电"])), profile="office", base_kwh=rng.uniform(10, 40),
        three_phase=True, address=f["address"], uscc=f["uscc"] if rng.random() < .6 else "")
    _operate(a, sig)
    prod = str(rng.choice(PRODUCTS))
    s = _site(c, 5, strength, f"冠名“{word[:-2] or word}”，登记为技术开发，实际生产{prod}",
              lon, lat, v["township"], [a], [f])
    _visits(c, s, sig, str(rng.choice(["甲醇", "乙醇", "甲苯"])), "self")
    if sig["tip"]:
        _tip(c, s, v, "一家科技公司")
    return s


def cat6(c: County, strength: str) -> dict:
    """An unlicensed fuel yard (自备/撬装) visited by tankers; power alone says little."""
    rng = c.rng
    v = c.village()
    lon, lat = c.near(v["lon"], v["lat"], 900)
    name = f"{tx.firm_name(rng, str(rng.choice(['物流', '农机服务', '运输'])), '有限公司')}"
    f = c.add_firm(key="logistics", v=v, lon=lon, lat=lat, name=name)
    a = c.add_account(name=f["name"] if rng.random() < .5 else tx.person(rng), v=v, lon=lon,
                      lat=lat, tariff="一般工商业用电", profile="office", base_kwh=rng.uniform(5, 20),
                      three_phase=True, address=f["address"])
    sig = _signal(c, strength)
    sig.update(kwh=sig["kwh"] * .1, profile="pump_evening", visits=max(2, sig["visits"] + 2))
    _operate(a, sig)
    s = _site(c, 6, strength, "擅自设置储油罐（撬装设备），无证储存、销售柴油", lon, lat,
              v["township"], [a], [f])
    station = c.fuel_firms[int(rng.integers(len(c.fuel_firms)))] if c.fuel_firms else None
    _visits(c, s, sig, "柴油", str(rng.choice(["elsewhere", "elsewhere", "none"])), tanker=True,
            consignee=station)
    if sig["tip"] or rng.random() < .5:
        _tip(c, s, v, "有人私设油罐卖散装柴油，")
    return s


def relit(c: County, strength: str, under: int) -> dict:
    """A site in the closed-sites ledger that lights up again (死灰复燃)."""
    rng = c.rng
    s = cat3(c, strength) if under == 3 else cat5(c, strength)
    s["relit"] = True
    a = next(x for x in c.accounts if x["account_no"] == s["account_nos"][0])
    closed_idx = c.n_days - int(rng.integers(150, 330))
    # it ran before the closure, was dark after, and runs again from `start`
    a["extra_start"] = c.n_days - int(rng.integers(15, 60))
    a.update(extra_start2=closed_idx - int(rng.integers(60, 200)), extra_end2=closed_idx)
    c.closed.append(dict(name=a["account_name"] if s["category"] == 3 else c.registry[-1]["name"],
                         township=s["township"], address=a["address"],
                         principal=tx.person(rng), stage="生产",
                         violation="无证非法生产化工产品", chemicals="桶装原料约2吨",
                         measures=str(rng.choice(["关闭取缔", "拆除装置", "责令停产"])),
                         account_no=a["account_no"] if rng.random() < .7 else "",
                         uscc=s["usccs"][0] if s["usccs"] else "",
                         closed_on=c.date_at(closed_idx), lon=s["lon"], lat=s["lat"]))
    s["description"] = "已列入清单台账并关停，近期恢复生产（死灰复燃）：" + s["description"]
    return s


def plant_all(c: County, scale: str, progress) -> None:
    plan = PLAN["county" if scale != "small" else "small"]
    for k, what in enumerate(plan):
        strength = STRENGTHS[(k + int(c.rng.integers(3))) % 3]
        if isinstance(what, tuple):
            relit(c, strength, what[1])
        else:
            [cat1, cat2, cat3, cat4, cat5, cat6][what - 1](c, strength)
    progress(f"  埋设: {len(c.sites)} 处违法点位")
