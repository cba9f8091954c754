"""wrong_class on hand-made daily series (400 days to AS_OF)."""

import datetime as dt

from detectors import wrong_class
from detectors.base import EVIDENCE
from tests.detectors.frames import AS_OF, account, connect, daily, insert, one_site_per_account

N = 400


def _heating() -> list[float]:
    """60 kWh a day from mid-November to mid-March, 5 otherwise."""
    start = AS_OF - dt.timedelta(days=N - 1)
    out = []
    for i in range(N):
        d = start + dt.timedelta(days=i)
        out.append(60.0 if (d.month, d.day) >= (11, 10) or (d.month, d.day) <= (3, 15) else 5.0)
    return out


def _frame():
    """A: a house on 动力电 drawing 200 kWh a day for the last five months; H: another drawing
    as much for the whole 400 days (a pattern over a year old); I: a livestock cooperative's
    farm account at 600 kWh all year; B: a household at 6 kWh on the same
    days (series touch); C: electric heating, winter only (last winter too); D: a person's
    commercial 动力电 account at 120 kWh; E: a company at 120 kWh; F: a well pump at 400 kWh,
    not a person; G: a four-character name with NULL readings (too few days); V: D's series
    under a villager's name as rural grids write it (温峪村沈德)."""
    con = connect()
    insert(con, "power_accounts", [
        account("A", "居民生活用电", "白峰飞"), account("B", "居民生活用电", "李娜", False),
        account("C", "居民生活用电", "张强", False), account("D", name="魏玉杰"),
        account("E", name="夏县金诺饲料有限公司"), account("F", "农业生产用电", "前坪村1号机井"),
        account("G", name="欧阳娜娜"), account("H", "居民生活用电", "周建国"),
        account("I", "农业生产用电", "夏县恒达养殖专业合作社"), account("V", name="温峪村沈德")])
    insert(con, "power_readings_daily",
           daily("A", [5.0] * (N - 150) + [200.0] * 150) + daily("H", [200.0] * N)
           + daily("I", [600.0] * N)
           + daily("B", [6.0] * N) + daily("C", _heating())
           + daily("D", [120.0] * N) + daily("V", [120.0] * N) + daily("E", [120.0] * N) + daily("F", [400.0] * 30)
           + daily("G", [None] * 20 + [80.0] * 5))
    one_site_per_account(con)
    return con


def test_workshop_in_a_house_above_heating():
    ev = wrong_class.detect(_frame(), AS_OF)
    assert ev.schema == EVIDENCE
    rows = {r["site_id"]: r for r in ev.to_pylist()}
    assert set(rows) == {"S-A", "S-C", "S-D", "S-F", "S-H", "S-I", "S-V"}
    assert rows["S-V"]["score"] == rows["S-D"]["score"] and "户名为个人（温峪村沈德）" in rows["S-V"]["reason"]
    assert rows["S-A"]["score"] > 0.7 and rows["S-A"]["category_hint"] == "3"
    # a named farm's sheds draw all year: farming, not a workshop
    assert rows["S-I"]["score"] < 0.25 and "多为在营农业生产" in rows["S-I"]["reason"]
    assert 0.4 < rows["S-H"]["score"] < 0.7 * rows["S-A"]["score"] and "已持续一年以上" in rows["S-H"]["reason"]
    assert rows["S-A"]["score"] > rows["S-D"]["score"] > rows["S-C"]["score"]
    assert "采暖" in rows["S-C"]["reason"] and rows["S-C"]["score"] < 0.3
    assert "户名为个人" in rows["S-D"]["reason"]
    assert "户名为个人" not in rows["S-F"]["reason"]
