"""tip_match on hand-made tips joined to sites."""

from __future__ import annotations

import datetime as dt

import pytest

from detectors import tip_match as det
from detectors.base import EVIDENCE
from tests.detectors.chem_demo import connect as demo_connect
from tests.detectors.chem_demo import demo_county, scores
from tests.detectors.chem_frames import by_site, site
from tests.detectors.frames import AS_OF, connect, insert


def tip(no: str, days_ago: float, content: str | None, target: str | None = None) -> dict:
    return dict(tip_no=no, tipped_at=dt.datetime.combine(AS_OF, dt.time(12))
                - dt.timedelta(days=days_ago), target=target, address="某村", content=content)


def frame():
    """Seven tips on six sites.

    T1 私设油罐 selling 散装柴油, tankers unloading, 偷偷搞化工 (recent): the blatant tip. T2 the
    same words a year minus a day ago: counts about half. T3 pig-farm smell (damped away).
    T4 tankers at a licensed fuel station (damped by the permit). T5 two tips at one site:
    刺鼻 smell at night and 甲苯 drums. T6 a tip from the future (after as_of) and one older
    than max_age_days: neither read. T7 a weakly linked tip (link score 0.3) with NULL content
    and a target naming 化工.
    """
    con = connect("tips", "permits")
    blatant = "有人私设油罐卖散装柴油，经常有罐车来卸货，怀疑在偷偷搞化工"
    insert(con, "tips", [
        tip("J1", 3, blatant), tip("J2", 364, blatant), tip("J3", 10, "养猪场臭味很大，晚上也有味道"),
        tip("J4", 10, "经常有油罐车进出，担心不安全"), tip("J5a", 20, "半夜气味刺鼻，熏得头晕"),
        tip("J5b", 40, "院子里堆着很多甲苯桶"), tip("J6a", -2, blatant), tip("J6b", 400, blatant),
        tip("J7", 5, None, target="某化工作坊"),
    ])
    insert(con, "permits", [dict(permit_no="P4", holder_name="加油站", permit_type="经营许可(带储存)",
                                 scope="汽油、柴油", valid_until=AS_OF.replace(year=2028))])
    site(con, "T1", ("tip", "J1"))
    site(con, "T2", ("tip", "J2"))
    site(con, "T3", ("tip", "J3"))
    site(con, "T4", ("tip", "J4"), ("permit", "P4"))
    site(con, "T5", ("tip", "J5a"), ("tip", "J5b"))
    site(con, "T6", ("tip", "J6a"), ("tip", "J6b"))
    site(con, "T7", ("tip", "J7"), link_score=0.3)
    return con


def test_planted_and_decoys():
    rows = by_site(det.detect(frame(), AS_OF))
    assert rows["T1"]["score"] > 0.85 and rows["T1"]["category_hint"] == "6"
    assert "散装柴油" in rows["T1"]["reason"] and "、柴油" not in rows["T1"]["reason"]
    assert 0.45 < rows["T2"]["score"] / rows["T1"]["score"] < 0.6
    assert "T3" not in rows and "T6" not in rows
    assert "T4" not in rows  # tankers at a licensed fuel station: damped below min_score
    assert rows["T5"]["facts"]["n_tips"] == 2 and "甲苯" in rows["T5"]["reason"]
    assert rows["T7"]["score"] < 0.3 * rows["T1"]["score"]


def test_a_tip_with_nowhere_to_go_ranks_below_one_with_a_place():
    """The same words: with a village, with no place at all, with no place but joined to a
    metered site, with a point. Only the second cannot be visited; it is halved and says so."""
    con = connect("tips", "permits")
    words = "一家厂子晚上有刺鼻气味，怀疑在偷偷搞化工"
    rows = [tip("V", 3, words), tip("U", 3, words), tip("J", 3, words), tip("P", 3, words)]
    rows[1]["address"] = rows[2]["address"] = rows[3]["address"] = "村外公路旁边"
    rows[3] |= dict(lon=111.2, lat=35.1)
    insert(con, "tips", rows)
    site(con, "SV", ("tip", "V"))
    site(con, "SU", ("tip", "U"))
    site(con, "SJ", ("tip", "J"), ("power_account", "0001"))
    site(con, "SP", ("tip", "P"))
    out = by_site(det.detect(con, AS_OF))
    assert out["SV"]["score"] == out["SJ"]["score"] == out["SP"]["score"]
    assert out["SU"]["score"] == pytest.approx(det.Params().unlocated_factor * out["SV"]["score"], abs=1e-3)
    assert "需先回访举报人" in out["SU"]["reason"] and "回访" not in out["SV"]["reason"]
    assert out["SU"]["facts"]["tips"][0]["located"] is False


def test_contract():
    table = det.detect(frame(), AS_OF, det.Params(min_score=1.0))
    assert table.schema == EVIDENCE and table.num_rows == 0


def test_demo_floor_true_tip_above_false_tips():
    """Demo county: the site of the tip about the planted diesel yard outranks every site of a
    false tip (pig farms, burning rubbish, fuel stations, bakeries)."""
    demo = demo_county()
    con = demo_connect(demo)
    table = det.detect(con, demo.as_of, det.Params(min_score=0.0))
    s = scores(table)
    # a tip with no place named is damped (the tipster is called back first): not below a false tip
    unlocated = {r["site_id"] for r in by_site(table).values()
                 if not any(t["located"] for t in r["facts"]["tips"])}
    tip_site = dict(con.execute("select member_key, site_id from site_members"
                                " where member_kind = 'tip'").fetchall())
    true = {tip_site[t["tip_no"]] for t in demo.truth["tips"] if t["about"]}
    false = {tip_site[t["tip_no"]] for t in demo.truth["tips"] if not t["about"]} - true
    assert true and false
    assert min(s.get(t, 0) / (det.Params().unlocated_factor if t in unlocated else 1)
               for t in true) > 0.6
    assert min(s.get(t, 0) for t in true - unlocated) > max(s.get(f, 0) for f in false) + 0.2
    assert min(s.get(t, 0) for t in true) > max(s.get(f, 0) for f in false)
