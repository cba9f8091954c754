"""Hazmat trucks: 14 days of GPS points and the waybills of their trips.

Each truck sleeps at a depot, the driver's village or a roadside restaurant; by day it loads
at park plants, delivers to fuel stations and plants or leaves the county; some trips stop at
planted sites (often at night, sometimes under a waybill naming a licensed consignee
elsewhere). Points come every 10–30 s while driving and every few minutes (or not at all)
while parked, in WGS-84 as JT/T 808 terminals report them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from data.generator import texts as tx
from data.generator.geography import from_m, to_m
from data.generator.population import County

OUTSIDE = ["山西临汾", "山西晋城", "河南三门峡", "陕西渭南", "山西太原", "河南洛阳"]
REGIONS = ["豫M", "陕E", "晋E", "晋L", "晋A", "豫C"]


class Truck:
    def __init__(self, c: County, k: int, outside: bool = False) -> None:
        rng = c.rng
        self.plate = tx.plate(rng, str(rng.choice(REGIONS)) if outside else "晋M")
        self.outside = outside
        self.tanker = rng.random() < .7
        depots = c.world.places["depot"]
        self.depot = tuple(depots[k % len(depots)])
        v = c.village()
        self.home = tuple(c.world.scatter(rng, v["lon"], v["lat"], 200)[0])
        self.home_town = v["township"]
        self.pts: list[np.ndarray] = []
        self.jobs: dict[int, list[dict]] = {}
        self.home_decoy = False


def _drive(c: County, a: tuple, b: tuple, t0: float, pts: list) -> float:
    """Append driving points from a to b starting at t0 (s); return arrival time."""
    rng = c.rng
    poly = c.world.route(a, b)
    seg = np.hypot(*np.diff(poly, axis=0).T)
    cum = np.r_[0, np.cumsum(seg)]
    v = rng.uniform(9, 17)  # m/s
    dur = cum[-1] / v
    if dur < 1:
        return t0
    t = np.cumsum(rng.uniform(10, 30, int(dur / 10) + 2))
    t = t[t < dur]
    dist = t * v
    x, y = np.interp(dist, cum, poly[:, 0]), np.interp(dist, cum, poly[:, 1])
    k = np.clip(np.searchsorted(cum, dist) - 1, 0, len(seg) - 1)
    d = np.diff(poly, axis=0)[k]
    heading = (np.degrees(np.arctan2(d[:, 0], d[:, 1])) + 360) % 360
    lon, lat = from_m(x + rng.normal(0, 4, len(t)), y + rng.normal(0, 4, len(t)))
    speed = np.clip(v * 3.6 + rng.normal(0, 6, len(t)), 3, 95)
    pts.append(np.column_stack([t0 + t, lon, lat, speed, heading]))
    return t0 + dur


def _park(c: County, at: tuple, t0: float, t1: float, pts: list, sparse: bool = False) -> None:
    rng = c.rng
    if t1 <= t0:
        return
    step = (600, 1800) if sparse else (60, 300)
    t = t0 + np.cumsum(rng.uniform(*step, int((t1 - t0) / step[0]) + 2))
    t = t[t < t1]
    x, y = to_m(*at)
    lon, lat = from_m(x + rng.normal(0, 6, len(t)), y + rng.normal(0, 6, len(t)))
    pts.append(np.column_stack([t, lon, lat, np.zeros(len(t)), np.full(len(t), 0.0)]))


def _assign(c: County, trucks: list[Truck], n_days: int) -> None:
    """Spread visits over trucks and days; legit destinations get several visits each."""
    rng = c.rng
    local = [t for t in trucks if not t.outside]
    for vis in c.visits:
        reps = int(rng.integers(*vis.get("reps", (3, 9)))) if vis.get("legit") else 1
        for _ in range(reps):
            pool = [t for t in local if t.tanker == vis["tanker"]] or local
            if vis["outside"] and not vis.get("legit"):
                tr = Truck(c, len(trucks), outside=True)
                tr.tanker = vis["tanker"]
                trucks.append(tr)
            else:
                tr = pool[int(rng.integers(len(pool)))]
            day = int(rng.integers(0, n_days))
            tr.jobs.setdefault(day, []).append(vis)
            if not vis.get("legit"):
                site = next(s for s in c.sites if s["id"] == vis["owner"])
                if tr.plate not in site["plates"]:
                    site["plates"].append(tr.plate)


def _waybill(c: County, tr: Truck, vis: dict, day: date, rows: list) -> None:
    rng = c.rng
    if vis["waybill"] == "none":
        return
    cons = vis.get("consignee")
    if vis["waybill"] == "self":
        owner = next((s for s in c.sites + c.decoys if s["id"] == vis["owner"]), None)
        reg = next((r for r in c.registry if owner and r["uscc"] in owner["usccs"]), None)
        cons = reg or cons
    park = c.park_firms[int(rng.integers(len(c.park_firms)))][0] if c.park_firms else None
    shipper = f"{rng.choice(OUTSIDE)}{rng.choice(tx.ZIHAO)}化工有限公司"
    unload = (cons or {}).get("address") or "山西省运城市夏县"
    ulon, ulat = ((cons or {}).get("lon"), (cons or {}).get("lat"))
    rows.append({"运单编号": f"YD{day:%Y%m%d}{len(rows) + 1:05d}", "车牌号": tr.plate,
                 "托运人": shipper if vis.get("legit") or rng.random() < .6 else park["name"],
                 "收货人": (cons or {}).get("name", "个人"), "装货地址": shipper.replace("化工有限公司",
                 "工业园区"), "卸货地址": unload, "货物名称": vis["cargo"],
                 "UN编号": tx.CHEM_UN.get(vis["cargo"], ""),
                 "数量": f"{rng.integers(*vis.get('tons', (5, 32)))}吨",
                 "起运日期": day, "装货经度": None, "装货纬度": None,
                 "卸货经度": ulon, "卸货纬度": ulat})


def _outbound(c: County, tr: Truck, day: date, rows: list) -> None:
    """The everyday trip: loaded at a park plant, delivered outside the county."""
    rng = c.rng
    if not c.park_firms:
        return
    f = c.park_firms[int(rng.integers(len(c.park_firms)))][0]
    cargo = str(rng.choice(f["scope"].split("（")[1].split("）")[0].split("、")))
    town = str(rng.choice(OUTSIDE))
    rows.append({"运单编号": f"YD{day:%Y%m%d}{len(rows) + 1:05d}", "车牌号": tr.plate,
                 "托运人": f["name"], "收货人": f"{town}{rng.choice(tx.ZIHAO)}化工贸易有限公司",
                 "装货地址": f["address"], "卸货地址": f"{town}市工业园区", "货物名称": cargo,
                 "UN编号": tx.CHEM_UN.get(cargo, ""), "数量": f"{rng.integers(5, 32)}吨",
                 "起运日期": day, "装货经度": f["lon"], "装货纬度": f["lat"],
                 "卸货经度": None, "卸货纬度": None})


def build_tracks(c: County, n_trucks: int, as_of: date, n_days: int = 14,
                 progress=print) -> tuple[pl.DataFrame, pl.DataFrame, list[Truck]]:
    """GPS points (WGS-84) and waybills for the `n_days` before `as_of`."""
    rng = c.rng
    trucks = [Truck(c, k) for k in range(n_trucks)]
    _assign(c, trucks, n_days)
    exits = [tuple(p) for p in c.world.places["exit"]]
    rest = [tuple(p) for p in c.world.places["restaurant"]]
    park = tuple(c.world.places["park"][0])
    start = datetime.combine(as_of - timedelta(days=n_days), datetime.min.time())
    waybills: list[dict] = []
    for tr in trucks:
        pos = exits[int(rng.integers(len(exits)))] if tr.outside else (
            tr.home if rng.random() < .35 else tr.depot)
        t = 0.0
        for d in range(n_days):
            jobs = tr.jobs.get(d, [])
            if tr.outside and not jobs:
                continue
            t = max(d * 86400.0, t)  # a night trip may end after midnight: no track goes back
            day_jobs = [j for j in jobs if not j["night"]]
            night_jobs = [j for j in jobs if j["night"]]
            works = bool(day_jobs) or (not tr.outside and rng.random() < .6)
            dep = t + rng.uniform(6.5, 9) * 3600
            _park(c, pos, t, dep, tr.pts, sparse=True)
            t = dep
            if works:
                t = _drive(c, pos, park, t, tr.pts)  # load at the park
                load = rng.uniform(1800, 4000)
                _park(c, park, t, t + load, tr.pts)
                t += load
                pos = park
                for j in day_jobs or [None]:
                    dest = (j["lon"], j["lat"]) if j else exits[int(rng.integers(len(exits)))]
                    t = _drive(c, pos, dest, t, tr.pts)
                    dwell = (j["dwell_min"] * 60) if j else rng.uniform(300, 900)
                    _park(c, dest, t, t + dwell, tr.pts)
                    t += dwell
                    pos = dest
                    if j:
                        _waybill(c, tr, j, (start + timedelta(days=d)).date(), waybills)
                    else:
                        _outbound(c, tr, (start + timedelta(days=d)).date(), waybills)
                if rng.random() < .5:  # lunch or dinner at a roadside restaurant
                    r = rest[int(rng.integers(len(rest)))]
                    t = _drive(c, pos, r, t, tr.pts)
                    _park(c, r, t, t + 2700, tr.pts)
                    t, pos = t + 2700, r
            night_at = tr.home if rng.random() < .4 else tr.depot
            if night_at == tr.home and not tr.outside and not tr.home_decoy:
                tr.home_decoy = True  # a hazmat truck parked all night at a village house
                c.decoys.append(dict(id=f"D{len(c.decoys) + 1:03d}", kind="truck_home_parking",
                                     description="危化品车辆夜间停放在驾驶员家门口", account_nos=[],
                                     usccs=[], plates=[tr.plate], lon=round(tr.home[0], 6),
                                     lat=round(tr.home[1], 6), township=tr.home_town))
            if tr.outside:
                night_at = exits[int(rng.integers(len(exits)))]
            t = _drive(c, pos, night_at, t, tr.pts)
            pos = night_at
            for j in night_jobs:  # late trips, 21:00–03:00
                go = max(t + 600, d * 86400.0 + rng.uniform(21, 26) * 3600)
                _park(c, pos, t, go, tr.pts, sparse=True)
                t = _drive(c, pos, (j["lon"], j["lat"]), go, tr.pts)
                _park(c, (j["lon"], j["lat"]), t, t + j["dwell_min"] * 60, tr.pts)
                t += j["dwell_min"] * 60
                _waybill(c, tr, j, (start + timedelta(days=d)).date(), waybills)
                t = _drive(c, (j["lon"], j["lat"]), night_at, t, tr.pts)
            _park(c, pos, t, (d + 1) * 86400.0, tr.pts, sparse=True)
    frames = []
    for tr in trucks:
        if not tr.pts:
            continue
        a = np.vstack(tr.pts)
        a = a[a[:, 0] < n_days * 86400.0]
        frames.append(pl.DataFrame({"车牌号": tr.plate, "t": a[:, 0], "经度": np.round(a[:, 1], 6),
                                    "纬度": np.round(a[:, 2], 6), "速度": np.round(a[:, 3], 1),
                                    "方向": np.round(a[:, 4]).astype(int)}))
        tr.pts = []
    pts = pl.concat(frames).with_columns(
        定位时间=(pl.lit(start) + pl.duration(seconds=pl.col("t").floor().cast(pl.Int64)))
    ).drop("t").select("车牌号", "定位时间", "经度", "纬度", "速度", "方向")
    progress(f"  车辆: {len(trucks)} 辆, {pts.height} 个定位点, {len(waybills)} 张运单")
    return pts, pl.DataFrame(waybills, infer_schema_length=None), trucks
