"""Seeded quality floor of the truck detectors on the generated demo county (seed 5).

Planted sites with trucks (a workshop in a house, a diesel yard, ...) must score above every
decoy that imitates them: drivers parking at home, licensed fuel stations, the chemical
park's licensed 24-hour plants and licensed chemical traders. A site holding both a planted
and a decoy record (a driver living next to the workshop) counts as planted.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

from detectors import fuel_yard, truck_unlicensed_stop, waybill_mismatch

AS_OF = dt.date(2026, 11, 30)
IMITATORS = ("truck_home_parking", "fuel_retailer", "park_24h_plant", "chem_trader_licensed")


def _sites_of(con, record: dict) -> set[str]:
    """Sites holding the record's registrations or accounts, or a truck place within 150 m."""
    keys = [("power_account", a) for a in record["account_nos"]] + [
        ("registry", u) for u in record["usccs"]]
    found = {r[0] for k in keys for r in con.execute(
        "select site_id from site_members where member_kind = ? and member_key = ?", list(k)
    ).fetchall()}
    near = con.execute("""
        select m.site_id from site_members as m
        join truck_places as p on m.member_kind = 'truck_place' and m.member_key = p.place_id
        where distance_m(p.lon, p.lat, ?, ?) <= 150""", [record["lon"], record["lat"]]).fetchall()
    return found | {r[0] for r in near}


@pytest.fixture(scope="module")
def county(demo_county):
    from sites import build_places, detect_stays
    from sites.resolve import resolve_sites

    truth, wh = demo_county
    con = wh.connect()
    detect_stays(con)
    build_places(con)
    resolve_sites(con, AS_OF)
    planted = {p["id"]: _sites_of(con, p) for p in truth["planted"] if p["plates"]}
    planted_sites = set().union(*planted.values())
    decoys = set().union(*(_sites_of(con, d) for d in truth["decoys"] if d["kind"] in IMITATORS))
    yield con, truth, planted, decoys - planted_sites
    con.close()


def _scores(con, module) -> tuple[dict[str, float], float]:
    t0 = time.perf_counter()
    table = module.detect(con, AS_OF)
    return dict(zip(table["site_id"].to_pylist(), table["score"].to_pylist(), strict=True)), \
        time.perf_counter() - t0


def _best(scores: dict[str, float], sites: set[str]) -> float:
    return max((scores.get(s, 0.0) for s in sites), default=0.0)


def test_unlicensed_stop_ranks_unlicensed_workshops_above_imitators(county):
    """Category 3 and 6 planted sites with two or more trucks (no licence anywhere): every one
    found scores above the best-scoring imitating decoy; at least one is found (today's demo
    county has two such sites, one of whose trucks only halt); runs in well under a second."""
    con, truth, planted, decoys = county
    scores, seconds = _scores(con, truck_unlicensed_stop)
    targets = [p["id"] for p in truth["planted"] if p["plates"] and p["category"] in (3, 6)
               and len(p["plates"]) >= 2]
    decoy_best = _best(scores, decoys)
    found = {pid: _best(scores, planted[pid]) for pid in targets}
    assert sum(s > 0 for s in found.values()) >= 1, found
    assert all(s > decoy_best for s in found.values() if s > 0), (found, decoy_best)
    assert seconds < 5


def test_waybill_mismatch_ranks_planted_above_imitators(county):
    """The best planted site beats every imitating decoy by a clear margin, and every planted
    site it flags with two or more stays outranks them."""
    con, _, planted, decoys = county
    scores, seconds = _scores(con, waybill_mismatch)
    decoy_best = _best(scores, decoys)
    best = {pid: _best(scores, sites) for pid, sites in planted.items()}
    assert max(best.values()) >= decoy_best + 0.3, (best, decoy_best)
    assert sum(s > decoy_best for s in best.values()) >= 2, (best, decoy_best)
    assert seconds < 5


def test_fuel_yard_ranks_the_diesel_yard_first(county):
    """The planted category-6 yard scores above every fuel station, park plant, trader and
    tanker driver's home; the licensed fuel stations are not flagged at all."""
    con, truth, planted, decoys = county
    scores, seconds = _scores(con, fuel_yard)
    yards = [p["id"] for p in truth["planted"] if p["category"] == 6 and p["plates"]]
    assert yards
    stations = set().union(*(_sites_of(con, d) for d in truth["decoys"]
                             if d["kind"] == "fuel_retailer"))
    assert not stations & set(scores)
    assert all(_best(scores, planted[y]) > _best(scores, decoys) for y in yards)
    assert seconds < 5
