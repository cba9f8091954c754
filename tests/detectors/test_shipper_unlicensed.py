"""shipper_unlicensed on hand-made e-waybills: who loads hazardous goods without a permit."""

from __future__ import annotations

import datetime as dt
import json

from detectors import shipper_unlicensed as det
from detectors.base import EVIDENCE
from tests.detectors import frames
from tests.detectors.truck_frames import AS_OF, TruckCounty, at


def _run(county: TruckCounty) -> dict[str, dict]:
    table = det.detect(county.finish(), AS_OF)
    assert table.schema.equals(EVIDENCE)
    return {r["site_id"]: r for r in table.to_pylist()}


def _firm(c: TruckCounty, site: str, uscc: str, name: str, east_m: float, address: str | None = None
          ) -> None:
    lon, lat = at(east_m, 0)
    c.con.execute("insert into sites values (?, 'registry', ?, ?, ?, null, ?, ?)",
                  [site, uscc, name, address, lon, lat])
    c.member(site, "registry", uscc, name=name)
    frames.insert(c.con, "registry", [dict(uscc=uscc, name=name, status="存续", lon=lon, lat=lat)])


def _shipped(c: TruckCounty, no: str, day: int, cargo: str, shipper: str,
             load: tuple[float, float] | None, load_address: str = "陕西渭南工业园区") -> None:
    frames.insert(c.con, "waybills", [dict(
        waybill_no=no, plate="晋MA0009", shipper=shipper, consignee="河南洛阳某化工贸易有限公司",
        load_address=load_address, unload_address="河南洛阳市工业园区", cargo=cargo,
        ship_date=dt.date(2026, 11, day), load_lon=load[0] if load else None,
        load_lat=load[1] if load else None)])


def test_tankers_of_methanol_leave_a_tech_firm_without_permit():
    """Three waybills of 甲醇 loaded at a 科技 firm's point, shipper its name: it stores or makes
    methanol with no permit. Not counted: a waybill under its name loaded 20 km away (a
    trader's consignment), one loaded at its gate under a neighbour's known name."""
    c = TruckCounty()
    _firm(c, "S-tech", "91140828TECHF0001X", "夏县鼎盛新材料科技有限公司", 0)
    _firm(c, "S-next", "91140828NEXTF0001X", "夏县邻居建材有限公司", 60)
    for i, day in enumerate((10, 17, 24)):
        _shipped(c, f"W{i}", day, "甲醇", "夏县鼎盛新材料科技有限公司", at(30, 0))
    _shipped(c, "W3", 20, "二甲苯", "夏县鼎盛新材料科技有限公司", at(20000, 0))
    _shipped(c, "W4", 21, "甲苯", "夏县邻居建材有限公司", at(20, 0))
    rows = _run(c)
    row = rows["S-tech"]
    assert row["category_hint"] == "5"
    assert "3 车次危险货物从本场所装车发出" in row["reason"] and "二甲苯" not in row["reason"]
    assert "天：甲醇 3 车次；" in row["reason"]  # by cargo, not load by load
    assert abs(row["score"] - (1 - (1 - det.Params().per_shipment) ** 3)) < 1e-3
    assert json.loads(row["facts"])["chemical"] == 3
    assert rows["S-next"]["score"] == det.Params().per_shipment  # its own 甲苯, at its own gate


def test_licensed_sites_unknown_shippers_and_addresses():
    """A licensed plant's shipments are beyond_permit's. An unknown shipper loading at a house's
    point: the house. A waybill with no load point whose load address is the firm's address."""
    c = TruckCounty()
    _firm(c, "S-plant", "91140828PLANT0001X", "夏县晋南化工有限公司", 0)
    frames.insert(c.con, "permits", [dict(permit_no="P1", holder_name="夏县晋南化工有限公司",
                                          uscc="91140828PLANT0001X", permit_type="安全生产许可",
                                          scope="甲醇", valid_until=dt.date(2028, 1, 1))])
    _shipped(c, "W1", 20, "甲醇", "夏县晋南化工有限公司", at(10, 0))
    c.con.execute("insert into sites values ('S-house', 'power_account', 'A1', '李四', null, null, ?, ?)",
                  list(at(5000, 0)))
    c.member("S-house", "power_account", "A1", name="李四")
    _shipped(c, "W2", 20, "溶剂油", "某某", at(5030, 0))
    _firm(c, "S-farm", "91140828FARMF0001X", "夏县绿源养殖专业合作社", 9000, address="夏县 某村 3 组")
    _shipped(c, "W3", 21, "柴油", "夏县绿源养殖专业合作社", None, load_address="夏县某村3组")
    rows = _run(c)
    assert "S-plant" not in rows
    assert rows["S-house"]["category_hint"] == "3" and "装货点在本场所 150 米内" in rows["S-house"]["reason"]
    farm = rows["S-farm"]
    assert farm["category_hint"] == "6"
    assert farm["score"] == round(det.Params().per_shipment * det.Params().fuel_factor, 3)


def test_contract_without_waybills():
    c = TruckCounty()
    c.con.execute("drop table waybills")
    assert det.detect(c.finish(), AS_OF).num_rows == 0
