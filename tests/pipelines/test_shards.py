"""`pipelines.shards` on tiny hand-made warehouses: areas of sites, and a connection that sees
one shard while detector SQL names the usual tables."""

from __future__ import annotations

import duckdb
import pytest

from pipelines import shards


@pytest.fixture
def con(tmp_path) -> duckdb.DuckDBPyConnection:
    """A file warehouse (so its tables live in a catalog other than temp) with 8 sites: 4 in a
    western county, 3 in an eastern one 0.7° away, one without a point; each site with one
    power account, and a reading per account (the lake view is a temp view, as on connect)."""
    con = duckdb.connect(str(tmp_path / "wh.duckdb"))
    con.execute("""create table sites as select * from (values
        ('W1', 111.20, 35.10), ('W2', 111.21, 35.12), ('W3', 111.30, 35.15), ('W4', 111.25, 35.13),
        ('E1', 111.90, 35.10), ('E2', 111.95, 35.11), ('E3', 112.00, 35.20),
        ('X0', null, null)) as t(site_id, lon, lat)""")
    con.execute("""create table site_members as
        select site_id, 'power_account' as member_kind, 'A' || site_id as member_key from sites
        union all select 'W1', 'registry', '91140828MA0000001X'""")
    con.execute("create table readings_file as select 'A' || site_id as account_no, 5.0 as kwh from sites")
    con.execute("create temp view power_readings_daily as select * from readings_file")
    con.execute("create temp view power_readings_interval as select * from readings_file")
    yield con
    con.close()


def test_areas_keep_counties_together_and_sites_without_a_point_last(con):
    assert shards.assign_site_shards(con, 2) == [4, 4]
    by_shard = con.execute("select shard, list(site_id order by site_id) from site_shards "
                           "group by shard order by shard").fetchall()
    assert by_shard == [(0, ["W1", "W2", "W3", "W4"]), (1, ["E1", "E2", "E3", "X0"])]
    assert shards.assign_site_shards(con, 1) == [8]
    assert shards.assign_site_shards(con, 3) == [3, 3, 2]


def test_one_shard_seen_under_the_usual_names(con, tmp_path):
    con.execute("create table site_shards as select * from (values ('W1', 0), ('W2', 0), ('E1', 1)) "
                "as t(site_id, shard)")
    con.close()
    ro = duckdb.connect(str(tmp_path / "wh.duckdb"), read_only=True)
    ro.execute("create temp view power_readings_daily as select * from readings_file")
    ro.execute("create temp view power_readings_interval as select * from readings_file")
    shards.restrict_to_shard(ro, 0)
    assert ro.execute("select list(site_id order by site_id) from sites").fetchone()[0] == ["W1", "W2"]
    assert ro.execute("select count(*) from site_members").fetchone()[0] == 3  # W1's registration too
    for view in ("power_readings_daily", "power_readings_interval"):
        assert ro.execute(f"select list(account_no order by account_no) from {view}").fetchone()[0] == [
            "AW1", "AW2"]
    # a table the restriction leaves alone reads whole, and the file's own tables are intact
    assert ro.execute("select count(*) from readings_file").fetchone()[0] == 8
    assert ro.execute("select count(*) from wh.main.sites").fetchone()[0] == 8
    ro.close()
