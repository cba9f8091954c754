"""peer_outlier on 40 hand-shaped households and a small class (28 + 90 days to AS_OF)."""

from detectors import peer_outlier
from detectors.base import EVIDENCE
from tests.detectors.frames import AS_OF, account, connect, daily, insert, one_site_per_account

N = 118


def _frame():
    """H00–H39: households at 5–8 kWh a day with a little daily wobble (deterministic); X: a
    household that went from 6 to 250 kWh a day; Y: a big but steady household (25 kWh, same
    as ever) — its level alone is unusual. C1–C5: a class of five, too small to judge."""
    con = connect()
    homes = [f"H{i:02d}" for i in range(40)]
    insert(con, "power_accounts",
           [account(h, "居民生活用电", "王伟", False) for h in homes + ["X", "Y"]]
           + [account(f"C{i}", "农业生产用电") for i in range(1, 6)])
    rows = []
    for i, h in enumerate(homes):
        rows += daily(h, [5 + (i % 4) + ((d * (i + 3)) % 7) / 7 for d in range(N)])
    rows += daily("X", [6.0] * (N - 28) + [250.0] * 28) + daily("Y", [25.0] * N)
    for i in range(1, 6):
        rows += daily(f"C{i}", [1000.0 * i] * N)
    insert(con, "power_readings_daily", rows)
    one_site_per_account(con)
    return con


def test_growth_scores_only_when_asked():
    """With growth among the scored features (as before), X's jump is named and scores more."""
    all_six = ("level", "growth", "weekend", "steadiness", "night", "valley")
    ev = peer_outlier.detect(_frame(), AS_OF, peer_outlier.Params(scored_features=all_six))
    x = {r["site_id"]: r for r in ev.to_pylist()}["S-X"]
    assert "近期增长" in x["reason"] and x["score"] >= 0.7


def test_the_jump_stands_out_and_is_explained():
    ev = peer_outlier.detect(_frame(), AS_OF)
    assert ev.schema == EVIDENCE
    rows = {r["site_id"]: r for r in ev.to_pylist()}
    # growth is power_surge's: here X stands out by its level and its steadiness
    assert "S-X" in rows and rows["S-X"]["score"] >= 0.6
    assert "近期增长" not in rows["S-X"]["reason"] and "用电水平" in rows["S-X"]["reason"]
    assert not any(s.startswith("S-C") or s.startswith("S-H") for s in rows)
    assert rows["S-X"]["score"] > rows.get("S-Y", {"score": 0})["score"]


def test_an_odd_load_a_year_old_comes_after_a_new_one():
    """Two households at 60 kWh a day among 40 at 5–8 (400 days): OLD has drawn it all along,
    NEW since 100 days ago. Both stand out alike; OLD's load is over a year old and weighs
    established_discount, and its reason says so."""
    n = 400
    con = connect()
    homes = [f"H{i:02d}" for i in range(40)]
    insert(con, "power_accounts", [account(h, "居民生活用电", "王伟", False) for h in homes + ["OLD", "NEW"]])
    rows = []
    for i, h in enumerate(homes):
        rows += daily(h, [5 + (i % 4) + ((d * (i + 3)) % 7) / 7 for d in range(n)])
    rows += daily("OLD", [60.0] * n) + daily("NEW", [6.0] * (n - 100) + [60.0] * 100)
    insert(con, "power_readings_daily", rows)
    one_site_per_account(con)
    ev = {r["site_id"]: r for r in peer_outlier.detect(con, AS_OF).to_pylist()}
    assert ev["S-OLD"]["score"] == round(ev["S-NEW"]["score"] * peer_outlier.Params().established_discount, 3)
    assert "此形态已持续一年以上" in ev["S-OLD"]["reason"] and "一年" not in ev["S-NEW"]["reason"]
