"""Seeded quality floors of the power detectors on a generated small county (seed 3).

The county is generated, its power, registry and permit files ingested, and one site made
per power account (with the account's registration). For each detector: the planted sites
it targets must be flagged and rank above the decoys that imitate them. Where a decoy cannot
be told apart by the signal alone, the test says so instead of asserting an order.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from data.generator import generate
from detectors import (
    continuous_load,
    idle_restart,
    night_load,
    peer_outlier,
    power_surge,
    wrong_class,
)
from pipelines.ingest import list_new_files
from sources.load import ingest_file
from sources.warehouse import Warehouse

SEED = 3
FOLDERS = ("registry", "permits", "power_accounts", "power_readings")


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    out = tmp_path_factory.mktemp("county")
    generate(out, "small", seed=SEED, progress=lambda _: None)
    wh = Warehouse(out / "warehouse.duckdb")
    con = wh.connect()
    files, _ = list_new_files(out / "inbox", set())
    for f in files:
        if f.parent.name in FOLDERS:
            ingest_file(wh, con, f, out / "inbox")
    con.execute("""
        create table site_members as
        select 'S-' || account_no as site_id, 'power_account' as member_kind,
               account_no as member_key, 'test' as rule, 1.0 as score
        from power_accounts
        union all
        select 'S-' || account_no, 'registry', uscc, 'test', 1.0
        from power_accounts where uscc is not null""")
    truth = json.loads((out / "truth.json").read_text("utf-8"))
    yield con, truth
    con.close()


def _scores(con, truth, module) -> dict[str, float]:
    ev = module.detect(con, dt.date.fromisoformat(truth["as_of"]))
    return {r["site_id"][2:]: r["score"] for r in ev.to_pylist()}


def _planted(truth, pred=lambda p: True) -> set[str]:
    return {a for p in truth["planted"] if pred(p) for a in p["account_nos"]}


def _decoys(truth, *kinds: str) -> set[str]:
    planted = _planted(truth)
    return {a for d in truth["decoys"] if d["kind"] in kinds for a in d["account_nos"]} - planted


def _best(scores: dict[str, float], accounts: set[str]) -> float:
    return max((scores.get(a, 0.0) for a in accounts), default=0.0)


def test_surge_relit_workshop_above_growing_firms(county):
    con, truth = county
    s = _scores(con, truth, power_surge)
    target = _planted(truth, lambda p: p["relit"] or p["strength"] == "blatant")
    decoys = _decoys(truth, "legit_surge", "new_business_ramp", "irrigation_pump",
                     "named_biotech_legit", "home_workshop")
    assert _best(s, target) >= 0.75  # 0.789 on the county since the look-alike decoys (0.8+ before)
    assert _best(s, target) > _best(s, decoys)


def test_idle_restart_relit_site_above_reused_and_dark_ones(county):
    con, truth = county
    s = _scores(con, truth, idle_restart)
    target = _planted(truth, lambda p: p["relit"])
    decoys = _decoys(truth, "closed_reused", "closed_dark", "irrigation_pump", "new_business_ramp")
    assert _best(s, target) >= 0.7
    assert _best(s, target) > _best(s, decoys)


def test_night_workshops_above_cold_stores_ice_and_bread(county):
    """Ice makers and bakeries really are night-heavy; the ice maker named as such is
    discounted, the bakery is not (its early-morning hours overlap 22–06 honestly)."""
    con, truth = county
    s = _scores(con, truth, night_load)
    decoys = _decoys(truth, "cold_store", "ice_maker", "bakery_night", "water_works",
                     "park_24h_plant")
    flagged = {a for a in _planted(truth) if a in s}
    # the demo county (small, seed 5) has one night-heavy planted account since the generator
    # made permit numbers and firm names unique (its random draws moved)
    assert len(flagged) >= 1
    assert sum(s[a] > _best(s, decoys) for a in flagged) >= 1
    assert s.get(next(iter(_decoys(truth, "cold_store"))), 0.0) == 0.0


def test_continuous_load_licensed_plants_stay_low(county):
    """Flat 24-hour load is what licensed park plants do: with a valid permit they stay near
    0.2, below any unlicensed flat load."""
    con, truth = county
    s = _scores(con, truth, continuous_load)
    parks = _decoys(truth, "park_24h_plant")
    assert parks and _best(s, parks) <= 0.25
    assert _best(s, _decoys(truth, "cold_store", "water_works")) < 0.35
    assert _best(s, _planted(truth)) > _best(s, parks | _decoys(truth, "cold_store", "water_works"))


def test_wrong_class_house_workshop_above_farm_machinery(county):
    """Three-phase farm houses that grind or weld draw like a small workshop: by level alone
    they are close; the planted house still ranks first."""
    con, truth = county
    s = _scores(con, truth, wrong_class)
    target = _planted(truth, lambda p: p["category"] in (3, 4))
    decoys = _decoys(truth, "home_workshop", "irrigation_pump", "agri_supply")
    assert _best(s, target) >= 0.5
    assert _best(s, target) > _best(s, decoys)


def test_peer_outlier_planted_first(county):
    """New firms, night bakeries and rural houses are peer outliers too (level, night share;
    growth is power_surge's and does not score here): the strongest planted account is
    asserted above all of them."""
    con, truth = county
    s = _scores(con, truth, peer_outlier)
    decoys = _decoys(truth, "legit_surge", "new_business_ramp", "ice_maker", "bakery_night",
                     "home_workshop", "cold_store")
    assert _best(s, _planted(truth)) > _best(s, decoys)
