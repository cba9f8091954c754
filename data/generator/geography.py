"""The county frame: 夏县 polygon, townships, villages, roads and notable places (WGS-84).

Reference files live in `data/ref/` (sources in their header lines). Township centres are
approximate hand placements (the open lists give codes, not coordinates); villages are
scattered around their township centre and kept inside the county polygon. Roads are a
minimum spanning tree over township centres plus a spur from each village to its centre.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

REF = Path(__file__).resolve().parent.parent / "ref"
COUNTY_CODE = "140828"
COUNTY_NAME = "夏县"
M_PER_DEG_LAT = 110_540.0
M_PER_DEG_LON = 111_320.0 * np.cos(np.radians(35.1))

# Approximate township centres (WGS-84) and the spread of their villages in metres.
TOWNSHIP_CENTRES = {
    "瑶峰镇": (111.220, 35.140, 2200), "庙前镇": (111.300, 35.200, 3000),
    "裴介镇": (111.130, 35.205, 3000), "水头镇": (111.100, 35.095, 3000),
    "埝掌镇": (111.290, 35.110, 2500), "泗交镇": (111.420, 35.045, 5000),
    "禹王镇": (111.165, 35.140, 2500), "尉郭乡": (111.262, 35.170, 2500),
    "胡张乡": (111.105, 35.150, 2800), "南大里乡": (111.185, 35.070, 2800),
    "祁家河乡": (111.560, 34.985, 5000),
}
MOUNTAIN_TOWNSHIPS = ("泗交镇", "祁家河乡")


def to_m(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Local metres east/north of a fixed origin (good to a few metres across a county)."""
    return (np.asarray(lon) - 111.2) * M_PER_DEG_LON, (np.asarray(lat) - 35.1) * M_PER_DEG_LAT


def from_m(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(x) / M_PER_DEG_LON + 111.2, np.asarray(y) / M_PER_DEG_LAT + 35.1


def inside(ring: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Even-odd ray casting of many points against one ring, vectorised over edges."""
    lon = np.atleast_1d(np.asarray(lon, float))
    lat = np.atleast_1d(np.asarray(lat, float))
    x1, y1, y2, dx, dy = _edges(ring)
    res = np.zeros(lon.shape, bool)
    for s in range(0, lon.size, 2000):
        px, py = lon[s:s + 2000, None], lat[s:s + 2000, None]
        cross = (y1 > py) != (y2 > py)
        xint = x1 + (py - y1) * dx / dy
        res[s:s + 2000] = (cross & (px < xint)).sum(axis=1) % 2 == 1
    return res


_EDGES: dict[int, tuple[np.ndarray, tuple[np.ndarray, ...]]] = {}


def _edges(ring: np.ndarray) -> tuple[np.ndarray, ...]:
    """A ring's edges for `inside`, made once per ring (it is called for a handful of points
    at a time, ~22k times a province block): x1, y1, y2, x2 - x1, and y2 - y1 with horizontal
    edges' 0 set to 1 (no ray crosses them, so their intersection is never used; this saves
    the division warnings' guard). The same floating-point values as computed in line."""
    hit = _EDGES.get(id(ring))
    if hit is None or hit[0] is not ring:
        x1, y1 = ring[:-1, 0], ring[:-1, 1]
        x2, y2 = ring[1:, 0], ring[1:, 1]
        dy = y2 - y1
        hit = _EDGES[id(ring)] = (ring, (x1, y1, y2, x2 - x1, np.where(dy == 0, 1.0, dy)))
        if len(_EDGES) > 64:
            _EDGES.pop(next(iter(_EDGES)))
    return hit[1]


@dataclass
class World:
    """Everything fixed about the county's geography for one seed."""

    ring: np.ndarray  # (n, 2) lon/lat WGS-84
    townships: pl.DataFrame  # township_code, township, lon, lat
    villages: pl.DataFrame  # village_code, village, township_code, township, lon, lat, size
    hub_xy: np.ndarray  # township centres in metres, index = townships row
    hub_next: np.ndarray  # all-pairs next hop on the road tree
    places: dict[str, np.ndarray] = field(default_factory=dict)  # kind -> (n, 2) lon/lat

    def scatter(self, rng: np.random.Generator, lon: float, lat: float, sigma_m: float,
                n: int = 1) -> np.ndarray:
        """n points around (lon, lat) with Gaussian spread, kept inside the county."""
        out = np.empty((0, 2))
        while len(out) < n:
            x, y = to_m(lon, lat)
            px = x + rng.normal(0, sigma_m, 2 * n + 4)
            py = y + rng.normal(0, sigma_m, 2 * n + 4)
            plon, plat = from_m(px, py)
            ok = inside(self.ring, plon, plat)
            out = np.vstack([out, np.column_stack([plon[ok], plat[ok]])])
        return out[:n]

    def nearest_hub(self, lon: float, lat: float) -> int:
        x, y = to_m(lon, lat)
        return int(np.argmin((self.hub_xy[:, 0] - x) ** 2 + (self.hub_xy[:, 1] - y) ** 2))

    def route(self, a: tuple[float, float], b: tuple[float, float]) -> np.ndarray:
        """Polyline in metres from a to b along the road tree (a -> hubs -> b)."""
        ha, hb = self.nearest_hub(*a), self.nearest_hub(*b)
        pts = [np.array(to_m(*a))]
        h = ha
        pts.append(self.hub_xy[h])
        while h != hb:
            h = int(self.hub_next[h, hb])
            pts.append(self.hub_xy[h])
        pts.append(np.array(to_m(*b)))
        poly = np.vstack(pts)
        keep = np.r_[True, np.any(np.diff(poly, axis=0) != 0, axis=1)]
        return poly[keep]


def _road_tree(xy: np.ndarray) -> np.ndarray:
    """Prim's MST over hubs, then next-hop table by walking the tree (n is ~11)."""
    n = len(xy)
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    in_tree, adj = {0}, {i: [] for i in range(n)}
    while len(in_tree) < n:
        best = min((d[i, j], i, j) for i in in_tree for j in range(n) if j not in in_tree)
        adj[best[1]].append(best[2])
        adj[best[2]].append(best[1])
        in_tree.add(best[2])
    nxt = np.zeros((n, n), int)
    for src in range(n):
        # BFS from src; next hop towards each target is the first step on the path
        first = {src: src}
        queue = [src]
        while queue:
            u = queue.pop(0)
            for v in adj[u]:
                if v not in first:
                    first[v] = v if u == src else first[u]
                    queue.append(v)
        for t in range(n):
            nxt[src, t] = first[t]
    return nxt


def build_world(rng: np.random.Generator) -> World:
    geo = json.loads((REF / "xiaxian_140828_boundary_wgs84.json").read_text("utf-8"))
    ring = np.asarray(geo["features"][0]["geometry"]["coordinates"][0], float)
    towns = pl.read_csv(REF / "xiaxian_140828_townships.csv", comment_prefix="#",
                        schema_overrides={"township_code": pl.Utf8})
    vills = pl.read_csv(REF / "xiaxian_140828_villages.csv", comment_prefix="#",
                        schema_overrides={"village_code": pl.Utf8, "township_code": pl.Utf8})
    names = towns["township_name"].to_list()
    cen = np.array([TOWNSHIP_CENTRES[n][:2] for n in names])
    seat = np.array(TOWNSHIP_CENTRES["瑶峰镇"][:2])
    for i in range(len(cen)):  # pull a centre that falls outside towards the seat
        while not inside(ring, cen[i, 0], cen[i, 1])[0]:
            cen[i] = seat + (cen[i] - seat) * 0.9
    towns = towns.rename({"township_name": "township"}).with_columns(
        lon=pl.Series(cen[:, 0]), lat=pl.Series(cen[:, 1]))
    world = World(ring, towns, pl.DataFrame(), np.column_stack(to_m(cen[:, 0], cen[:, 1])),
                  np.zeros((1, 1), int))
    world.hub_next = _road_tree(world.hub_xy)
    rows = []
    for i, name in enumerate(names):
        code = towns["township_code"][i]
        vv = vills.filter(pl.col("township_code") == code)
        pts = world.scatter(rng, cen[i, 0], cen[i, 1], TOWNSHIP_CENTRES[name][2], vv.height)
        # the seat's 社区 sit in town, close to the centre
        is_comm = vv["village_name"].str.contains("社区").to_numpy()
        pts[is_comm] = cen[i] + (pts[is_comm] - cen[i]) * 0.25
        size = rng.lognormal(0, 0.5, vv.height) * np.where(is_comm, 4.0, 1.0)
        size *= 0.6 if name in MOUNTAIN_TOWNSHIPS else 1.0
        rows.append(vv.with_columns(township=pl.lit(name), lon=pl.Series(pts[:, 0]),
                                    lat=pl.Series(pts[:, 1]), size=pl.Series(size)))
    world.villages = pl.concat(rows).rename({"village_name": "village"})
    _places(world, rng)
    return world


def _along_roads(world: World, rng: np.random.Generator, n: int, off_m: float) -> np.ndarray:
    """n points near random road-tree edges (fuel stations, restaurants)."""
    pts = []
    for _ in range(n):
        a = int(rng.integers(len(world.hub_xy)))
        b = int(world.hub_next[a, int(rng.integers(len(world.hub_xy)))])
        t = rng.uniform(0.1, 0.9)
        p = world.hub_xy[a] * (1 - t) + world.hub_xy[b] * t + rng.normal(0, off_m, 2)
        pts.append(from_m(*p))
    return np.array(pts)


def _places(world: World, rng: np.random.Generator) -> None:
    """Chemical park, depots, fuel stations, restaurants, exits and remote spots."""
    seat = world.townships.filter(pl.col("township") == "瑶峰镇").row(0, named=True)
    yw = world.townships.filter(pl.col("township") == "禹王镇").row(0, named=True)
    park = np.array([(seat["lon"] + yw["lon"]) / 2, (seat["lat"] + yw["lat"]) / 2 - 0.018])
    world.places["park"] = park[None, :]
    world.places["depot"] = np.vstack([park + [0.004, 0.002], [seat["lon"] + 0.012,
                                                               seat["lat"] - 0.006]])
    world.places["fuel"] = _along_roads(world, rng, 14, 60)
    world.places["restaurant"] = _along_roads(world, rng, 12, 40)
    # exits where roads leave the county: towards 盐湖 (SW), 闻喜 (N), 平陆 (S), 垣曲 (E)
    targets = np.array([[111.03, 35.05], [111.30, 35.33], [111.30, 34.93], [111.68, 35.15]])
    idx = [int(np.argmin(((world.ring - t) ** 2).sum(1))) for t in targets]
    seat_ll = np.array([seat["lon"], seat["lat"]])
    world.places["exit"] = world.ring[idx] + (seat_ll - world.ring[idx]) * 0.01
    v = world.villages
    vlon, vlat = v["lon"].to_numpy(), v["lat"].to_numpy()
    mountain = v["township"].is_in(list(MOUNTAIN_TOWNSHIPS)).to_numpy()
    for kind, n, dist, pool in (("farm", 40, 1200, ~mountain), ("mine", 12, 2500, mountain),
                                ("idle_plant", 16, 900, ~mountain), ("remote", 20, 3000, None)):
        cand = np.flatnonzero(pool) if pool is not None else np.arange(v.height)
        pick = rng.choice(cand, n)
        pts = np.vstack([world.scatter(rng, vlon[i], vlat[i], dist)[0] for i in pick])
        world.places[kind] = pts
        world.places[kind + "_village"] = pick[:, None].astype(float)
