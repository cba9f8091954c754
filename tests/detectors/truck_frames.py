"""Hand-made truck frames: stays, places, sites and the canonical tables the truck detectors read.

A `TruckCounty` is an in-memory DuckDB with the canonical `waybills`, `permits`,
`power_accounts` and `registry` tables (from the source specs), the truck tables of
`sites.stays` / `sites.places` and `sites` / `site_members` as `sites.resolve` writes them.
Points are given in metres east/north of a reference point in the demo county, so a test
reads "300 m east" rather than a sixth decimal.
"""

from __future__ import annotations

import datetime as dt
import math

import duckdb

from sources.warehouse import install_macros
from tests.detectors import frames

AS_OF = frames.AS_OF
LON0, LAT0 = 111.20, 35.10
_M_LAT = 111_320.0
_M_LON = 111_320.0 * math.cos(math.radians(LAT0))


def at(east_m: float = 0.0, north_m: float = 0.0) -> tuple[float, float]:
    """(lon, lat) of a point east_m / north_m metres from the reference point."""
    return LON0 + east_m / _M_LON, LAT0 + north_m / _M_LAT


def _meets_night(start: dt.datetime, end: dt.datetime) -> bool:
    """[start, end] meets clock night [22:00, 06:00), as `truck_stays.night`."""
    t = start.replace(minute=0, second=0, microsecond=0)
    while t <= end:
        if t.hour >= 22 or t.hour < 6:
            return True
        t += dt.timedelta(hours=1)
    return False


class TruckCounty:
    def __init__(self) -> None:
        self.con: duckdb.DuckDBPyConnection = frames.connect(
            "waybills", "permits", "power_accounts", "registry")
        install_macros(self.con)
        self.con.execute("drop table sites; drop table site_members")
        self.con.execute("""
            create table sites (site_id varchar, anchor_kind varchar, anchor_key varchar,
                name varchar, address varchar, township varchar, lon double, lat double);
            create table site_members (site_id varchar, member_kind varchar,
                member_key varchar, rule varchar, score double, linked_to varchar,
                member_name varchar, member_address varchar);
            create table truck_stays (stay_id varchar, plate varchar, started_at timestamp,
                ended_at timestamp, duration_min double, lon double, lat double,
                n_points bigint, night boolean, gap_parked boolean);
            create table truck_place_visits (stay_id varchar, place_id varchar)""")
        self._places: dict[str, tuple[float, float]] = {}
        self._stations: set[str] = set()

    def place(self, place_id: str, east_m: float, north_m: float) -> str:
        """A truck place and its own site 'S-<place_id>' (a standalone truck place)."""
        self._places[place_id] = at(east_m, north_m)
        lon, lat = self._places[place_id]
        self.con.execute("insert into sites values (?, 'truck_place', ?, null, null, null, ?, ?)",
                         [f"S-{place_id}", place_id, lon, lat])
        self.member(f"S-{place_id}", "truck_place", place_id)
        return place_id

    def member(self, site_id: str, kind: str, key: str, name: str | None = None,
               address: str | None = None) -> None:
        self.con.execute("insert into site_members values (?, ?, ?, 'test', 1.0, null, ?, ?)",
                         [site_id, kind, key, name, address])

    def stay(self, plate: str, start: str, minutes: float, place_id: str) -> None:
        """One stay of `plate` from `start` ('2026-11-20 22:30') for `minutes` at a place."""
        t0 = dt.datetime.fromisoformat(start)
        t1 = t0 + dt.timedelta(minutes=minutes)
        lon, lat = self._places[place_id]
        stay_id = f"{plate}|{t0:%Y%m%dT%H%M%S}"
        self.con.execute("insert into truck_stays values (?, ?, ?, ?, ?, ?, ?, 10, ?, false)",
                         [stay_id, plate, t0, t1, minutes, lon, lat, _meets_night(t0, t1)])
        self.con.execute("insert into truck_place_visits values (?, ?)", [stay_id, place_id])

    def nightly(self, plates: list[str], days: list[int], place_id: str, minutes: float = 60,
                hour: int = 23) -> None:
        """Plates cycling over November days, one stay a day at `hour`."""
        for i, day in enumerate(days):
            self.stay(plates[i % len(plates)], f"2026-11-{day:02d} {hour:02d}:10", minutes, place_id)

    def waybill(self, no: str, plate: str, day: int, cargo: str, consignee: str,
                unload: tuple[float, float] | None = None, shipper: str = "夏县某化工有限公司",
                unload_address: str = "山西省运城市夏县化工集中区1号") -> None:
        frames.insert(self.con, "waybills", [dict(
            waybill_no=no, plate=plate, shipper=shipper, consignee=consignee,
            load_address="陕西渭南工业园区", unload_address=unload_address, cargo=cargo,
            ship_date=dt.date(2026, 11, day),
            unload_lon=unload[0] if unload else None, unload_lat=unload[1] if unload else None)])

    def permit(self, no: str, east_m: float, north_m: float, permit_type: str, scope: str,
               valid_until: dt.date = dt.date(2028, 1, 1), holder: str | None = None) -> None:
        lon, lat = at(east_m, north_m)
        frames.insert(self.con, "permits", [dict(
            permit_no=no, holder_name=holder or f"持证单位{no}", permit_type=permit_type, scope=scope,
            valid_until=valid_until, address=f"许可地址{no}", lon=lon, lat=lat)])

    def account(self, no: str, east_m: float, north_m: float,
                tariff_class: str = "居民生活用电", name: str | None = None) -> None:
        lon, lat = at(east_m, north_m)
        frames.insert(self.con, "power_accounts", [frames.account(
            no, tariff_class=tariff_class, name=name or "张三", lon=lon, lat=lat)])

    def fuel_station(self, place_id: str) -> None:
        """Mark a place as beside a fuel station (`truck_places.near_fuel_station`)."""
        self._stations.add(place_id)

    def finish(self) -> duckdb.DuckDBPyConnection:
        """Fill `truck_places` from the stays (as `sites.places` would) and return the db."""
        self.con.execute("""
            create or replace table truck_places as
            select v.place_id, avg(s.lon) as lon, avg(s.lat) as lat, count(*) as n_visits,
                   list_contains($stations, v.place_id) as near_fuel_station
            from truck_place_visits as v join truck_stays as s using (stay_id)
            group by v.place_id""", {"stations": sorted(self._stations)})
        return self.con
