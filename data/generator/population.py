"""Ordinary life: registrations, power accounts and permits of a county without any crime.

Rows are built as plain dicts (a county has ~10^4 of each; fine to loop) and turned into
polars frames. Every power account carries its load model in internal columns (`profile`,
`base_kwh`, `start_idx`, `end_idx`, `ramp_days`, `extra_*`) that `readings.py` turns into
readings; the writer drops every column not in the contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import polars as pl

from data.generator import texts as tx
from data.generator.geography import World

SCALES = {  # accounts, registrations, permits, trucks
    "small": (3_000, 800, 30, 40),
    "county": (60_000, 12_000, 150, 300),
    # one of the ~100 county blocks of a province (benchmarks): 2M accounts, ~100M GPS fixes
    "province_block": (20_000, 4_000, 50, 220),
}
STATUS = ["存续", "在业", "停业", "吊销", "注销"]
STATUS_P = [0.66, 0.08, 0.04, 0.10, 0.12]


def place_name(village: str) -> str:
    return village.replace("社区居委会", "社区").replace("村委会", "村")


@dataclass
class County:
    """The mutable state that population, planted and decoy steps add rows to."""

    world: World
    rng: np.random.Generator
    day0: date  # first reading day
    n_days: int
    accounts: list[dict] = field(default_factory=list)
    registry: list[dict] = field(default_factory=list)
    permits: list[dict] = field(default_factory=list)
    closed: list[dict] = field(default_factory=list)
    tips: list[dict] = field(default_factory=list)
    sites: list[dict] = field(default_factory=list)  # truth: planted sites
    decoys: list[dict] = field(default_factory=list)  # truth: decoys
    visits: list[dict] = field(default_factory=list)  # truck visits wanted by planted/decoys
    park_firms: list[tuple[dict, dict]] = field(default_factory=list)  # (firm, account)
    fuel_firms: list[dict] = field(default_factory=list)
    factory_hosts: list[tuple[dict, dict]] = field(default_factory=list)
    _next_acct: int = 0
    _firm_names: set[str] = field(default_factory=set)
    _villages: dict[str | None, tuple[list[dict], np.ndarray]] = field(default_factory=dict)

    def new_account_no(self) -> str:
        """10-digit 户号 with a leading zero (kept as text downstream)."""
        self._next_acct += 1
        return f"0{358_000_000 + self._next_acct * 3 + int(self.rng.integers(3))}"

    def legit_consignee(self) -> dict | None:
        """A licensed park firm, named on waybills whose truck unloads somewhere else."""
        if not self.park_firms:
            return None
        return self.park_firms[int(self.rng.integers(len(self.park_firms)))][0]

    def host_firm(self) -> tuple[dict, dict]:
        return self.factory_hosts[int(self.rng.integers(len(self.factory_hosts)))]

    def village(self, township: str | None = None) -> dict:
        """A village drawn by size (of one township, if given)."""
        if township not in self._villages:  # rows and weights made once per township
            v = self.world.villages
            if township:
                v = v.filter(pl.col("township") == township)
            w = v["size"].to_numpy()
            self._villages[township] = (v.rows(named=True), w / w.sum())
        rows, p = self._villages[township]
        return dict(rows[int(self.rng.choice(len(rows), p=p))])

    def near(self, lon: float, lat: float, sigma_m: float) -> tuple[float, float]:
        p = self.world.scatter(self.rng, lon, lat, sigma_m)[0]
        return float(p[0]), float(p[1])

    def address(self, v: dict, detail: str | None = None) -> str:
        rng = self.rng
        detail = detail or str(rng.choice([f"{rng.integers(1, 300)}号", "村东", "村西", "村南",
                                           "村北", f"{rng.integers(2, 12)}组"]))
        return f"山西省运城市夏县{v['township']}{place_name(v['village'])}{detail}"

    def date_at(self, idx: int) -> date:
        return self.day0 + timedelta(days=int(idx))

    def add_account(self, *, name: str, v: dict, lon: float, lat: float, tariff: str,
                    profile: str, base_kwh: float, three_phase: bool, uscc: str = "",
                    address: str | None = None, kva: float | None = None,
                    start_idx: int | None = None, end_idx: int = 10**6, ramp_days: int = 0,
                    **extra: object) -> dict:
        rng = self.rng
        start_idx = int(start_idx if start_idx is not None else -rng.integers(60, 6000))
        voltage = ("10kV" if tariff == "大工业用电" else "380V" if three_phase else "220V")
        if kva is None:
            kva = {"大工业用电": 630.0, "居民生活用电": 8.0}.get(tariff, 50.0 if three_phase else 10.0)
            kva = float(round(kva * rng.choice([0.5, 1, 1, 1.6, 2.5])))
        row = dict(account_no=self.new_account_no(), account_name=name,
                   address=address or self.address(v), tariff_class=tariff, uscc=uscc,
                   contract_kva=kva, voltage=voltage, three_phase=three_phase,
                   opened_on=self.date_at(start_idx),
                   closed_on=self.date_at(end_idx) if end_idx < self.n_days else None,
                   transformer_area=f"{place_name(v['village'])}{rng.integers(1, 4)}号台区",
                   township=v["township"], lon=lon, lat=lat, profile=profile,
                   base_kwh=float(base_kwh), start_idx=start_idx, end_idx=int(end_idx),
                   ramp_days=ramp_days, extra_profile="", extra_kwh=0.0, extra_start=10**6,
                   extra_end=10**6, extra_duty=1.0, extra_ramp=0,
                   extra_start2=10**6, extra_end2=10**6)
        row.update(extra)
        self.accounts.append(row)
        return row

    def add_firm(self, *, key: str, v: dict, lon: float, lat: float, name: str | None = None,
                 scope: str | None = None, status: str = "存续", code: str | None = None,
                 uscc_kind: str = "91", founded_idx: int | None = None, **over: object) -> dict:
        rng = self.rng
        word, form, sc, ind, *_ = tx.FIRMS[key] if key in tx.FIRMS else (key, "有限公司", "", "")
        founded = self.date_at(founded_idx if founded_idx is not None
                               else -int(rng.integers(100, 7000)))
        closed_on = None
        if status in ("吊销", "注销"):
            closed_on = founded + timedelta(days=int(rng.integers(200, 3000)))
            closed_on = min(closed_on, self.date_at(self.n_days - 5))
        if name is None:
            # a company name is unique in its county's register (个体 shop names may repeat)
            name = tx.firm_name(rng, word, form)
            for _ in range(20):
                if "公司" not in name or name not in self._firm_names:
                    break
                name = tx.firm_name(rng, word, form)
        self._firm_names.add(name)
        row = dict(uscc=tx.make_uscc(rng, uscc_kind), name=name,
                   status=status, scope=scope or sc, address=self.address(v),
                   industry_code=code or ind, founded_on=founded, closed_on=closed_on,
                   legal_rep=tx.person(rng), phone=tx.phone(rng), township=v["township"],
                   lon=lon, lat=lat)
        row.update(over)
        self.registry.append(row)
        return row


INDIVIDUAL = [("便利店", "日用百货、烟酒、预包装食品零售", "5211", "shop", 6),
              ("小吃部", "小餐饮；热食类食品制售", "6220", "shop", 10),
              ("理发店", "理发服务", "8010", "shop", 4),
              ("农资门市部", "化肥、农药（不含危险化学品）、种子零售", "5166", "shop", 4),
              ("五金门市部", "五金交电、日用杂品零售", "5281", "shop", 4),
              ("面粉加工坊", "小麦磨粉加工", "1311", "workshop", 20),
              ("电焊门市部", "电焊加工；铁艺门窗制作", "3311", "workshop", 8),
              ("养殖场", "生猪、肉鸡养殖", "0313", "farm", 25),
              ("馒头坊", "馒头、花卷制作销售", "1431", "bakery", 12)]


def build_ordinary(c: County, scale: str, progress) -> None:
    """Registrations, their accounts, households, pumps, public users."""
    rng = c.rng
    n_acc, n_reg, _, _ = SCALES[scale]
    keys = list(tx.FIRMS)
    kp = np.array([8, 3, 5, 4, 3, 3, 2, 2, .5, 1.5, .7, 1.5, 1.5, .5, 4, 3, 1, .6])
    n_company = int(n_reg * 0.38)
    for _ in range(n_company):
        key = str(rng.choice(keys, p=kp / kp.sum()))
        v = c.village()
        _, _, _, _, tariff, profile, p3, base = tx.FIRMS[key]
        lon, lat = c.near(v["lon"], v["lat"], 350 if profile in ("shop", "office") else 900)
        status = str(rng.choice(STATUS, p=STATUS_P))
        f = c.add_firm(key=key, v=v, lon=lon, lat=lat, status=status,
                       uscc_kind="93" if key in ("farm", "orchard") else "91")
        if status in ("存续", "在业", "停业") and rng.random() < 0.8:
            end = 10**6 if status != "停业" else int(rng.integers(-200, c.n_days - 30))
            a = c.add_account(name=f["name"], v=v, lon=lon, lat=lat, tariff=tariff, profile=profile,
                          base_kwh=base * rng.lognormal(0, 0.6), three_phase=rng.random() < p3,
                          uscc=f["uscc"] if rng.random() < 0.45 else "", address=f["address"],
                          end_idx=end if status == "停业" else 10**6)
            if profile == "factory_day" and status != "停业":
                c.factory_hosts.append((f, a))
    for _ in range(n_reg - n_company):  # 个体工商户
        name, scope, code, profile, base = INDIVIDUAL[int(rng.integers(len(INDIVIDUAL)))]
        v = c.village()
        lon, lat = c.near(v["lon"], v["lat"], 300)
        owner = tx.person(rng)
        status = str(rng.choice(STATUS, p=STATUS_P))
        f = c.add_firm(key=name, v=v, lon=lon, lat=lat, status=status, code=code,
                       uscc_kind="92", scope=scope, legal_rep=owner,
                       name=f"夏县{v['township']}{owner}{name}")
        if status in ("存续", "在业") and rng.random() < 0.5:
            c.add_account(name=owner if rng.random() < 0.6 else f["name"], v=v, lon=lon,
                          lat=lat, tariff="一般工商业用电", profile=profile,
                          base_kwh=base * rng.lognormal(0, 0.5),
                          three_phase=profile in ("workshop", "farm") and rng.random() < 0.7,
                          address=f["address"])
    _public_users(c, n_acc)
    _households(c, n_acc - len(c.accounts))
    progress(f"  普通户: {len(c.accounts)} 电力户, {len(c.registry)} 登记")


def _public_users(c: County, n_acc: int) -> None:
    """Village committees, schools, base stations, irrigation wells (机井)."""
    rng = c.rng
    vil = c.world.villages
    frac = n_acc / 60_000
    for v in vil.iter_rows(named=True):
        pn = place_name(v["village"])
        c.add_account(name=f"{pn}{'居' if '社区' in pn else '村'}民委员会", v=v, lon=v["lon"],
                      lat=v["lat"], tariff="一般工商业用电", profile="office",
                      base_kwh=8 * rng.lognormal(0, .4), three_phase=False)
        if rng.random() < min(1, 3 * frac):
            lon, lat = c.near(v["lon"], v["lat"], 500)
            c.add_account(name=f"中国移动通信集团山西有限公司运城分公司（{pn}基站）", v=v,
                          lon=lon, lat=lat, tariff="一般工商业用电", profile="flat",
                          base_kwh=45 * rng.lognormal(0, .3), three_phase=True)
        n_wells = rng.poisson(max(0.3, 14 * frac) * (0.3 if "社区" in pn else 1))
        for k in range(n_wells):
            lon, lat = c.near(v["lon"], v["lat"], 1200)
            c.add_account(name=f"{pn}{k + 1}号机井", v=v, lon=lon, lat=lat,
                          tariff="农业生产用电", profile="irrigation",
                          base_kwh=160 * rng.lognormal(0, .4), three_phase=True,
                          address=c.address(v, f"{k + 1}号机井"))


def _households(c: County, n: int) -> None:
    rng = c.rng
    v = c.world.villages
    w = v["size"].to_numpy()
    idx = rng.choice(v.height, n, p=w / w.sum())
    for i in np.sort(idx):
        vv = v.row(int(i), named=True)
        lon, lat = c.near(vv["lon"], vv["lat"], 250)
        urban = "社区" in vv["village"]
        three = rng.random() < 0.02  # rural three-phase: mills, welders, heat pumps
        c.add_account(name=tx.person(rng), v=vv, lon=lon, lat=lat, tariff="居民生活用电",
                      profile="res", base_kwh=(6.5 if urban else 4.5) * rng.lognormal(0, 0.45),
                      three_phase=bool(three), kva=16.0 if three else 8.0,
                      end_idx=int(rng.integers(0, c.n_days)) if rng.random() < 0.01 else 10**6)


def add_permit(c: County, firm: dict, ptype: str, scope: str, valid_idx: int | None = None,
               address: str | None = None) -> dict:
    """A 危化品 permit of the given type; `valid_idx` is a day index of 有效期至."""
    rng = c.rng
    valid_idx = valid_idx if valid_idx is not None else c.n_days + int(rng.integers(60, 1000))
    prefix = {"安全生产许可": "(晋)WH安许证字", "使用许可": "(晋)WH使许证字"}.get(ptype, "晋运夏危化经字")
    used = {p["permit_no"] for p in c.permits}
    while True:  # permit numbers are unique: a repeated one would replace the other on ingest
        no = f"{prefix}[{2020 + int(rng.integers(0, 6))}]{rng.integers(1, 999):03d}"
        if no not in used:
            break
    row = dict(permit_no=no,
               holder_name=firm["name"], uscc=firm["uscc"], permit_type=ptype, scope=scope,
               valid_until=c.date_at(valid_idx), address=address or firm["address"],
               lon=firm["lon"], lat=firm["lat"])
    c.permits.append(row)
    return row


def registry_frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, infer_schema_length=None)


def accounts_frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, infer_schema_length=None)
