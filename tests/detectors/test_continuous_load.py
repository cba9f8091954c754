"""continuous_load on hand-made 15-minute readings (28 days to AS_OF)."""

import pytest

from detectors import continuous_load
from detectors.base import EVIDENCE
from tests.detectors.frames import (
    AS_OF,
    account,
    connect,
    insert,
    interval,
    one_site_per_account,
)

FLAT = [5.0] * 24
OFFICE = [8.0 if 8 <= h < 18 else 0.5 for h in range(24)]


def _frame():
    """A: a house drawing a flat 120 kWh a day; B: the same flat load on a plant with a valid
    permit; C: the same with an expired permit, 大工业; D: an office on the same timestamps as
    A (series touch); E: flat but tiny; F: flat but every day misses hours (no whole day)."""
    con = connect()
    insert(con, "power_accounts", [
        account("A", "居民生活用电", "王伟"), account("B", "大工业用电", uscc="U-B"),
        account("C", "大工业用电", uscc="U-C"), account("D"), account("E"), account("F")])
    insert(con, "permits", [
        dict(permit_no="P1", holder_name="乙化工", uscc="U-B", permit_type="安全生产许可",
             valid_until=AS_OF.replace(year=2028)),
        dict(permit_no="P2", holder_name="丙化工", uscc="U-C", permit_type="安全生产许可",
             valid_until=AS_OF.replace(year=2025))])
    partial = [r for r in interval("F", FLAT, 28) if r["ts"].hour != 3]
    insert(con, "power_readings_interval",
           interval("A", FLAT, 28) + interval("B", FLAT, 28) + interval("C", FLAT, 28)
           + interval("D", OFFICE, 28, weekend_factor=0.3) + interval("E", [0.5] * 24, 28)
           + partial)
    one_site_per_account(con)
    return con


def test_flat_house_above_licensed_plant():
    ev = continuous_load.detect(_frame(), AS_OF)
    assert ev.schema == EVIDENCE
    rows = {r["site_id"]: r for r in ev.to_pylist()}
    assert set(rows) == {"S-A", "S-B", "S-C"}
    assert rows["S-A"]["score"] > rows["S-C"]["score"] > rows["S-B"]["score"]
    assert rows["S-A"]["score"] >= 0.7
    assert "持有效危化品许可" in rows["S-B"]["reason"]
    assert "居民生活用电" in rows["S-A"]["reason"]


def test_a_service_firm_drawing_like_a_reactor_keeps_its_score():
    """A: registered for 技术开发 only; B: the same flat load on a commercial account with no
    registration; both 一般工商业."""
    con = connect()
    insert(con, "power_accounts", [account("A", uscc="U-A"), account("B")])
    insert(con, "registry", [dict(uscc="U-A", name="山西嘉禾生物科技有限公司", status="存续",
                                  scope="生物技术开发、技术服务、技术咨询", address="x")])
    insert(con, "power_readings_interval", interval("A", FLAT, 28) + interval("B", FLAT, 28))
    one_site_per_account(con)
    rows = {r["site_id"]: r for r in continuous_load.detect(con, AS_OF).to_pylist()}
    assert "非生产类" in rows["S-A"]["reason"]
    assert rows["S-A"]["score"] > rows["S-B"]["score"]


def test_a_farm_registered_as_such_on_a_persons_meter_is_a_24_hour_trade():
    """A farm whose meter is in the farmer's name (谢强) and whose registration is 谢强养殖场
    weighs trade_factor like a meter named 养殖; the same load with a 钢结构 registration not."""
    con = connect()
    insert(con, "power_accounts", [account("A", name="谢强", uscc="U-A"), account("B", name="李明", uscc="U-B")])
    insert(con, "registry", [
        dict(uscc="U-A", name="夏县瑶峰镇谢强养殖场", status="存续", scope="生猪、肉鸡养殖", address="x"),
        dict(uscc="U-B", name="夏县瑶峰镇李明钢结构厂", status="存续", scope="钢结构加工", address="x")])
    insert(con, "power_readings_interval", interval("A", FLAT, 28) + interval("B", FLAT, 28))
    one_site_per_account(con)
    rows = {r["site_id"]: r for r in continuous_load.detect(con, AS_OF).to_pylist()}
    assert "登记名称含「养殖」" in rows["S-A"]["reason"]
    p = continuous_load.Params()
    assert rows["S-A"]["score"] == pytest.approx(rows["S-B"]["score"] * p.trade_factor / p.commercial_factor, abs=2e-3)


def test_a_24_hour_service_stated_only_in_the_scope_is_a_24_hour_trade():
    """An internet café registered as 某某网络科技有限公司 says 互联网上网服务 only in its 经营范围."""
    con = connect()
    insert(con, "power_accounts", [account("A", uscc="U-A"), account("B", uscc="U-B")])
    insert(con, "registry", [
        dict(uscc="U-A", name="夏县极速网络科技有限公司", status="存续",
             scope="互联网上网服务；网络技术开发", address="x"),
        dict(uscc="U-B", name="夏县极光网络科技有限公司", status="存续", scope="网络技术开发", address="x")])
    insert(con, "power_readings_interval", interval("A", FLAT, 28) + interval("B", FLAT, 28))
    one_site_per_account(con)
    rows = {r["site_id"]: r for r in continuous_load.detect(con, AS_OF).to_pylist()}
    assert "经营范围含「上网服务」" in rows["S-A"]["reason"]
    assert "非生产类" in rows["S-B"]["reason"]
    assert rows["S-A"]["score"] < 0.5 * rows["S-B"]["score"]
