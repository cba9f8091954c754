"""How a distributed screening splits its work into shards (plain DuckDB and numpy; no Prefect).

Truck work by plate: stay detection runs per plate (`sites.stays_of_plates`), so each of
`n` tasks finds the stays of the plates with hash(plate) % n = k, and the flow writes them
together; places and resolution need every plate's stays and run whole in the flow.

Power and registry work by area: after resolution, `assign_site_shards` writes `site_shards`
(site_id, shard): sites in a space-filling (Z-order) sweep over 0.05° cells of their points,
cut into `n` runs of equal size, so a shard is a compact area of about 1/n of the sites — a
group of whole counties at province scale (the warehouse records no county code: townships
carry only their name, and a USCC's division code is its registering authority's). A task of
a BY_SITE detector sees, through `restrict_to_shard`, only its shard's sites and members and
the power readings of their accounts; lookup tables (registry, permits, power_accounts,
waybills, tips, closed_sites) stay whole, since a site's own record may name another's (a
permit found by its holder's USCC). Compact areas matter for speed as well: a county's
accounts sit in neighbouring row groups of a month's readings, which the shard's account
filter lets DuckDB skip (README, "Screening on a Dask cluster").

A BY_SITE detector judges each site from that site's own members and their readings only;
its evidence from all shards concatenated equals its evidence from one run (row order
aside). The others (WHOLE) compare a site with records of other sites, so a shard would
change their findings; each runs as one task on the whole warehouse.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

BY_SITE = (
    "power_surge", "power_yoy", "idle_restart", "night_load", "continuous_load", "wrong_class",
    "chemical_unlicensed", "disguised_name", "beyond_permit", "factory_in_factory", "tip_match",
)
WHOLE = {
    "peer_outlier": "each account is scored against all accounts of its tariff class (its peers' "
                    "median and MAD); a shard's peers would give other z-scores",
    "trade_night": "each account is judged against the accounts of its registered trade across "
                   "the county (an upper quantile of their night/day ratios)",
    "relit": "reads the ledger's own 户号 wherever resolution put that account, and closures by "
             "verdict on earlier leads' sites: a closed site's inputs are not all in its shard",
    "truck_unlicensed_stop": "judges a site across all trucks stopping there and its distance to "
                             "every other record's point; cheap once stays and places exist",
    "waybill_mismatch": "matches each waybill to one site among all (by name, address, point) and "
                        "compares it with where the truck stopped: a shard would pick other sites",
    "consignee_unlicensed": "finds each waybill's consignee site among all sites by name and point",
    "shipper_unlicensed": "finds each waybill's loading site among all sites by name and point",
    "fuel_yard": "judges a site across all tankers stopping there and the waybills consigned "
                 "to any site",
}
CELL_DEG = 0.05  # ~5 km: the unit of the Z-order sweep
_RESTRICTED_LAKE = ("power_readings_daily", "power_readings_interval")


def assign_site_shards(con: duckdb.DuckDBPyConnection, n_shards: int) -> list[int]:
    """Create or replace `site_shards` (site_id, shard 0..n_shards-1); returns sites per shard.

    Sites without a point come last in the sweep (by site_id)."""
    sites = con.execute("select site_id, lon, lat from sites").to_arrow_table()
    site_id = np.asarray(sites["site_id"].to_pylist(), dtype=str)
    lon = sites["lon"].to_numpy(zero_copy_only=False).astype(float)
    lat = sites["lat"].to_numpy(zero_copy_only=False).astype(float)
    placed = ~(np.isnan(lon) | np.isnan(lat))
    key = np.full(site_id.size, np.iinfo(np.int64).max, dtype=np.int64)
    if placed.any():
        cx = np.floor((lon[placed] - lon[placed].min()) / CELL_DEG).astype(np.int64)
        cy = np.floor((lat[placed] - lat[placed].min()) / CELL_DEG).astype(np.int64)
        key[placed] = _spread_bits(cx) | (_spread_bits(cy) << 1)
    order = np.lexsort((site_id, key))
    shard = np.empty(site_id.size, dtype=np.int64)
    shard[order] = np.arange(site_id.size) * n_shards // max(site_id.size, 1)
    con.register("_site_shards", pa.table({"site_id": site_id, "shard": shard}))
    try:
        con.execute("create or replace table site_shards as "
                    "select site_id, shard::integer as shard from _site_shards order by shard, site_id")
    finally:
        con.unregister("_site_shards")
    return np.bincount(shard, minlength=n_shards).tolist()


def _spread_bits(v: np.ndarray) -> np.ndarray:
    """The low 31 bits of v moved to the even bits (one coordinate of a Morton code)."""
    v = v & 0x7FFFFFFF
    for shift, mask in ((16, 0x0000FFFF0000FFFF), (8, 0x00FF00FF00FF00FF), (4, 0x0F0F0F0F0F0F0F0F),
                        (2, 0x3333333333333333), (1, 0x5555555555555555)):
        v = (v | (v << shift)) & mask
    return v


def restrict_to_shard(con: duckdb.DuckDBPyConnection, shard: int) -> None:
    """Make this connection see one shard: temp tables named `sites` and `site_members` and
    temp views named as the power readings lake views, restricted to the shard's sites and
    their accounts. DuckDB resolves a temp object before a table of the same name in the file
    (checked in 1.5.5), so detector SQL runs unchanged. Meant for a read-only worker
    connection, closed after its task."""
    (db,) = con.execute("select current_database()").fetchone()
    main = '"' + db.replace('"', '""') + '".main'
    con.execute(f"create temp table _shard_sites as select site_id from {main}.site_shards "
                "where shard = $s", {"s": shard})
    for table in ("sites", "site_members"):  # small: copied, so the optimiser knows their size
        con.execute(f"create temp table {table} as select * from {main}.{table} "
                    "where site_id in (select site_id from _shard_sites)")
    con.execute("create temp table _shard_accounts as select distinct member_key as account_no "
                "from site_members where member_kind = 'power_account'")
    for view in _RESTRICTED_LAKE:  # the lake views are temp views already: keep them under a new name
        con.execute(f"alter view {view} rename to _whole_{view}")
        con.execute(f"create temp view {view} as select * from _whole_{view} "
                    "where account_no in (select account_no from _shard_accounts)")
