"""Truck places: stays of all trucks and days clustered into the places where trucks stop.

Reads `truck_stays` (see `sites.stays`), `waybills` and `permits`; writes

`truck_place_visits`: stay_id varchar, place_id varchar (one row per stay).

`truck_places`, one row per place:

    place_id           varchar    'E<floor(lon*1000)>N<floor(lat*1000)>': the 0.001-degree cell
                                  of the centroid (-2, -3 … for later places in the same cell)
    lon, lat           double     mean of the stays' centroids (WGS-84)
    extent_m           double     farthest stay centroid from the place's centroid, metres
    n_visits           bigint     stays
    n_plates           bigint     distinct trucks
    n_night_visits     bigint     stays meeting clock night (truck_stays.night)
    n_days             bigint     distinct days on which a stay started
    dwell_min_median   double     median stay duration, minutes
    dwell_min_total    double     summed stay duration, minutes
    first_seen         timestamp  earliest stay start
    last_seen          timestamp  latest stay end
    cargo              varchar    distinct waybill cargo names of the visiting trucks on the days
                                  a visit covers, sorted, ';'-joined (NULL: no waybill)
    near_permit        boolean    a permit's point lies within licensed_reach_m
    nearest_permit_m   double     distance to the nearest permit point within permit_search_m
                                  (NULL: none that close)
    near_fuel_station  boolean    a fuel station lies within licensed_reach_m

Clustering: single linkage. Two stays closer than link_m are linked; a place is a connected
component. Stays are binned into square cells of 0.999 link_m / sqrt(2): all stays of a cell are
closer than link_m, so a cell is one node of the graph, and two cells are linked when any stay
of one is closer than link_m to any stay of the other (an equi-join on the cells within reach).
A busy yard is then one node, not the ~2M stay pairs it used to be (at p8, 60k stays: 2.5k
nodes and 922 edges instead of 60k nodes and 25.9M edges). Components are found by min-label
propagation with pointer jumping (one vectorised statement per pass, a handful of passes).
Known limit: single linkage chains, so stays strung along a road every < link_m become one long
place; `extent_m` shows it (a yard is within ~link_m).

Fuel stations: no source lists them yet. Permits whose type or scope mentions 经营 and matches
`fuel_pattern` (汽油/柴油), held by a station (`station_pattern` in the holder's name: 加油站,
加气站), stand in; a fuel-station source, when there is one, is unioned into the
`fuel_permits` CTE of places.sql. A place near a fuel station is where trucks refuel, not a
workshop; a fuel depot's or trader's permit is a licence like any other (trucks load and
unload there).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import duckdb

from sites._sql import run, statements
from sources.warehouse import install_macros

_SQL = "places.sql"


@dataclass(frozen=True)
class PlaceParams:
    """Thresholds of `build_places`."""

    link_m: float = 100.0  # stays closer than this belong to one place (two premises 150 m
    # apart are two places: a shop by the road must not take a depot's tankers)
    licensed_reach_m: float = 300.0  # a permit (or fuel station) this close covers the place
    permit_search_m: float = 2000.0  # nearest_permit_m is looked for this far (NULL beyond)
    require_valid_permit: bool = True  # count only permits valid on the place's last visit
    fuel_pattern: str = "汽油|柴油"  # regex on permit_type + scope marking fuel trade …
    station_pattern: str = "加油站|加气站|加油加气"  # … by a station (the holder's name)

    def __post_init__(self) -> None:
        if self.link_m <= 0 or self.licensed_reach_m < 0 or self.permit_search_m < self.licensed_reach_m:
            raise ValueError("PlaceParams: distances must be positive and permit_search_m at least "
                             f"licensed_reach_m: {self}")


def build_places(con: duckdb.DuckDBPyConnection, params: PlaceParams = PlaceParams()) -> None:
    """Create or replace `truck_places` and `truck_place_visits` from `truck_stays`."""
    bound = asdict(params)
    install_macros(con)  # the grid macros of sources/geo.sql (a bare connection has none)
    run(con, _SQL, "macros")
    run(con, _SQL, "stays", bound)
    run(con, _SQL, "nodes")
    run(con, _SQL, "edges", bound)
    run(con, _SQL, "start_labels")
    while True:
        run(con, _SQL, "propagate")
        changed = con.execute(statements(_SQL)["count_changed"]).fetchone()
        run(con, _SQL, "swap_labels")
        if not changed or changed[0] == 0:
            break
    run(con, _SQL, "places")
    run(con, _SQL, "truck_places", bound)
    run(con, _SQL, "cleanup")
