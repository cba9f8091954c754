"""Lake writes (`sources.write.write_lake`): a file whose keys cannot meet a partition's
earlier files is added beside them, not merged into a rewrite of the partition; a file that
does share keys still replaces them, with the exact count, and only the files holding them
are rewritten. Many files landing in the same months (a county block each) stay linear."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sources.load import ingest_file
from sources.warehouse import Warehouse

JAN = dt.date(2024, 1, 1)


def _readings(accounts: list[int], days: range, kwh: float = 1.0) -> pa.Table:
    """Daily readings in day order, as the province generator writes a block."""
    rows = [(f"{a:07d}", JAN + dt.timedelta(days=d)) for d in days for a in accounts]
    return pa.table({"户号": [r[0] for r in rows],
                     "日期": pa.array([r[1] for r in rows], pa.date32()),
                     "总电量": [kwh] * len(rows)})


def _drop(wh: Warehouse, con, inbox: Path, rel: str, table: pa.Table):
    path = inbox / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, row_group_size=50)
    r = ingest_file(wh, con, path, inbox)
    assert r.status == "loaded", r.reason
    return r


def _listed(con, table: str = "power_readings_daily") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part, path in con.execute("select part, path from lake_files where table_name = $t "
                                  "order by part, path", {"t": table}).fetchall():
        out.setdefault(part, []).append(path)
    return out


def _setup(tmp_path: Path):
    wh = Warehouse(tmp_path / "wh" / "warehouse.duckdb")
    return wh, wh.connect(), tmp_path / "inbox"


def test_disjoint_files_in_the_same_months_are_added_not_rewritten(tmp_path):
    wh, con, inbox = _setup(tmp_path)
    _drop(wh, con, inbox, "power_readings/b0.parquet", _readings(list(range(0, 20)), range(45)))
    first = _listed(con)
    assert sorted(first) == ["202401", "202402"] and all(len(v) == 1 for v in first.values())
    r = _drop(wh, con, inbox, "power_readings/b1.parquet", _readings(list(range(100, 120)), range(45)))
    assert (r.rows_read, r.loaded, r.updated) == (900, 900, 0)
    second = _listed(con)
    for part, paths in second.items():  # the first file's partition files are still listed
        assert len(paths) == 2 and first[part][0] in paths
    assert all((wh.lake / p).exists() for ps in second.values() for p in ps)
    assert con.execute("select count(*), count(distinct (account_no, day)) "
                       "from power_readings_daily").fetchone() == (1800, 1800)
    ranges = con.execute("select key_min, key_max from lake_files where part = '202401' "
                         "order by path").fetchall()
    assert ranges == [(["0000000", "2024-01-01"], ["0000019", "2024-01-31"]),
                      (["0000100", "2024-01-01"], ["0000119", "2024-01-31"])]
    con.close()


def test_interleaved_keys_are_checked_then_added(tmp_path):
    """Odd and even accounts: the ranges meet, no key is shared, nothing is rewritten."""
    wh, con, inbox = _setup(tmp_path)
    _drop(wh, con, inbox, "power_readings/odd.parquet", _readings(list(range(1, 40, 2)), range(10)))
    first = _listed(con)
    r = _drop(wh, con, inbox, "power_readings/even.parquet", _readings(list(range(0, 40, 2)), range(10)))
    assert r.updated == 0
    assert _listed(con)["202401"][0] == first["202401"][0] and len(_listed(con)["202401"]) == 2
    assert con.execute("select count(*) from power_readings_daily").fetchone() == (400,)
    con.close()


def test_overlapping_redelivery_replaces_by_key_and_rewrites_only_its_files(tmp_path):
    wh, con, inbox = _setup(tmp_path)
    _drop(wh, con, inbox, "power_readings/b0.parquet", _readings(list(range(0, 20)), range(45)))
    _drop(wh, con, inbox, "power_readings/b1.parquet", _readings(list(range(100, 120)), range(45)))
    before = _listed(con)
    # block 0 again, corrected: accounts 10..24 (10..19 known), days 20..39 (Jan 21 – Feb 9)
    again = _readings(list(range(10, 25)), range(20, 40), kwh=7.0)
    r = _drop(wh, con, inbox, "power_readings/b0-again.parquet", again)
    assert (r.rows_read, r.loaded, r.updated) == (300, 300, 10 * 20)
    after = _listed(con)
    for part in after:  # block 0's file without the 200 replaced rows, block 1's, the new one
        assert len(after[part]) == 3
        assert before[part][1] in after[part]  # block 1's files: untouched
        assert before[part][0] not in after[part]  # block 0's: written again, without them
    assert con.execute("select count(*), count(distinct (account_no, day)), "
                       "count(*) filter (where kwh_total = 7) from power_readings_daily"
                       ).fetchone() == (1800 + 5 * 20, 1800 + 5 * 20, 300)
    assert con.execute("select sum(rows) from lake_files").fetchone() == (1900,)
    # every file holds one load's rows, so its key ranges stay those of one block
    assert con.execute("select count(*) from lake_files where key_max[1] > '0000024' "
                       "and key_min[1] < '0000100'").fetchone() == (0,)
    con.close()


def test_warehouse_without_key_ranges_opens_and_learns_them(tmp_path):
    """A warehouse written before `lake_files` kept key ranges: it opens, and its files' ranges
    are read from the files the first time a file lands in their partition."""
    wh, con, inbox = _setup(tmp_path)
    _drop(wh, con, inbox, "power_readings/b0.parquet", _readings(list(range(0, 20)), range(10)))
    con.execute("alter table lake_files drop column key_min")
    con.execute("alter table lake_files drop column key_max")
    con.execute("alter table lake_files drop column key_values")
    con.close()
    ro = wh.connect(read_only=True)
    assert ro.execute("select count(*) from power_readings_daily").fetchone() == (200,)
    ro.close()
    con = wh.connect()
    assert con.execute("select key_min from lake_files").fetchall() == [(None,)]
    first = _listed(con)
    r = _drop(wh, con, inbox, "power_readings/b1.parquet", _readings(list(range(100, 120)), range(10)))
    assert r.updated == 0
    assert _listed(con)["202401"] == sorted([first["202401"][0], _listed(con)["202401"][1]])
    assert len(_listed(con)["202401"]) == 2
    assert con.execute("select count(*) from lake_files where key_min is null").fetchone() == (0,)
    con.close()


def _points(plates: list[str], minutes: range, lon: float = 112.0) -> pa.Table:
    rows = [(p, dt.datetime(2024, 3, 1, 8) + dt.timedelta(minutes=m)) for m in minutes for p in plates]
    return pa.table({"车牌号": [r[0] for r in rows],
                     "定位时间": pa.array([r[1] for r in rows], pa.timestamp("us")),
                     "经度": [lon] * len(rows), "纬度": [35.0] * len(rows)})


def test_tracks_same_plates_later_hours_are_added(tmp_path):
    """GPS: the same trucks later in the day (plate ranges meet, time ranges do not) are added;
    points re-sent for a time already loaded replace the earlier ones."""
    wh, con, inbox = _setup(tmp_path)
    plates = ["晋MA0001", "晋MA0002", "晋MB0003"]
    _drop(wh, con, inbox, "vehicle_tracks/a.parquet", _points(plates, range(0, 60)))
    r = _drop(wh, con, inbox, "vehicle_tracks/b.parquet", _points(plates, range(60, 120)))
    assert r.updated == 0 and len(_listed(con, "vehicle_tracks")["20240301"]) == 2
    r = _drop(wh, con, inbox, "vehicle_tracks/c.parquet", _points(plates[:1], range(50, 70), 113.0))
    assert r.updated == 20
    assert con.execute("select count(*), count(*) filter (where lon = 113) "
                       "from vehicle_tracks").fetchone() == (360, 20)
    con.close()


def test_tracks_of_other_trucks_on_the_same_day_are_added_unread(tmp_path, monkeypatch):
    """Two counties' trucks on the same day: plate and time ranges meet, the plates do not
    (each file keeps its few plates): added without reading the earlier file."""
    import sources.write

    wh, con, inbox = _setup(tmp_path)
    _drop(wh, con, inbox, "vehicle_tracks/a.parquet", _points(["晋MA0001", "晋MC0003"], range(60)))
    checked = []
    real = sources.write._key_match
    monkeypatch.setattr(sources.write, "_key_match", lambda *a: checked.append(a) or real(*a))
    r = _drop(wh, con, inbox, "vehicle_tracks/b.parquet", _points(["晋MB0002"], range(60)))
    assert r.updated == 0 and not checked
    assert con.execute("select key_values from lake_files order by path").fetchall() == [
        (["晋MA0001", "晋MC0003"],), (["晋MB0002"],)]
    r = _drop(wh, con, inbox, "vehicle_tracks/c.parquet", _points(["晋MC0003"], range(30, 90)))
    assert r.updated == 30 and checked
    assert con.execute("select count(*) from vehicle_tracks").fetchone() == (60 * 3 + 30,)
    con.close()
