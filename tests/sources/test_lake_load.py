"""Lake loads (readings, GPS points): the direct path gives what the staged path gives.

`load._load_lake` writes a file's good rows straight into partition files when no key repeats
in the file (proven by the file's order, else checked exactly), and hands the file to
`load._load_staged` otherwise. Both must list the same rejects and leave the same lake.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sources import load
from sources.checks import plan_casts
from sources.load import choose_spec, ingest_file
from sources.readers import read_any
from sources.warehouse import Warehouse, install_macros

DAILY = "select account_no, day, kwh_total, kwh_sharp, kwh_peak, kwh_flat, kwh_valley from power_readings_daily"


def _ingest(tmp: Path, files: list[tuple[str, bytes | pa.Table]], staged: bool, monkeypatch):
    """Load the files in turn into a fresh warehouse; the reports, lake rows and rejects."""
    inbox = tmp / ("staged" if staged else "direct") / "inbox"
    wh = Warehouse(inbox.parent / "wh" / "warehouse.duckdb")
    con = wh.connect()
    calls = {"direct": 0}
    real = load._load_lake

    def counted(*a, **k):
        done = False if staged else real(*a, **k)
        calls["direct"] += bool(done)
        return done

    monkeypatch.setattr(load, "_load_lake", counted)
    reports = []
    for rel, content in files:
        path = inbox / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, pa.Table):
            pq.write_table(content, path, row_group_size=4)
        else:
            path.write_bytes(content)
        r = ingest_file(wh, con, path, inbox)
        reports.append((r.status, r.rows_read, r.loaded, r.updated, r.rejected, r.values_cleared))
    table = "power_readings_interval" if "数据时间" in str(files) else "power_readings_daily"
    lake = con.execute(f"select * exclude (_load_id) from {table} order by all").fetchall()
    rejects = con.execute("select file, row_no, column_name, value, reason, action from load_rejects "
                          "order by all").fetchall()
    listed = con.execute("select count(*), sum(rows) from lake_files").fetchone()
    con.close()
    return reports, lake, rejects, listed, calls["direct"]


def _same(tmp_path, monkeypatch, files, direct_loads):
    import sources.write

    monkeypatch.setattr(sources.write, "_RANGE_MIN_ROWS", 0)  # tiny files written by range too
    a = _ingest(tmp_path, files, False, monkeypatch)
    b = _ingest(tmp_path, files, True, monkeypatch)
    assert a[:4] == b[:4]
    assert a[4] == direct_loads
    return a


MESSY = ("户号,日期,总电量,峰电量,谷电量\n"
         "001,2024-05-01,10,4,-1\n"  # 谷 negative: cleared, the row loads
         " 001 ,2024-05-02,11,x,3\n"  # 户号 trimmed; 峰 not a number: cleared
         "002,2024-05-01,,1,1\n"  # 总电量 empty: rejected
         "002,2024-13-01,5,1,1\n"  # bad date: rejected
         "002,2024-05-31,5,1,1\n"
         "003,2024-06-01,99999999,1,1\n"  # too large: rejected
         "003,2024-06-02,7,,\n")


def test_messy_csv_same_as_staged(tmp_path, monkeypatch):
    reports, lake, rejects, listed, _ = _same(tmp_path, monkeypatch, [("power_readings/m.csv", MESSY.encode())], 1)
    assert reports == [("loaded", 7, 4, 0, 3, 2)]
    assert [r[:2] for r in lake] == [("001", dt.date(2024, 5, 1)), ("001", dt.date(2024, 5, 2)),
                                     ("002", dt.date(2024, 5, 31)), ("003", dt.date(2024, 6, 2))]
    assert listed == (2, 4)  # two months, one file each


def test_reexport_replaces_by_key_same_as_staged(tmp_path, monkeypatch):
    """The second file corrects 5-02 and 6-02 and adds 6-03: two partitions rewritten."""
    second = ("户号,日期,总电量\n001,2024-05-02,12\n003,2024-06-02,8\n003,2024-06-03,9\n").encode()
    reports, lake, _, listed, _ = _same(tmp_path, monkeypatch, [("power_readings/m.csv", MESSY.encode()),
                                                                  ("power_readings/n.csv", second)], 2)
    assert reports[1] == ("loaded", 3, 3, 2, 0, 0)
    assert [(r[0], str(r[1]), r[2]) for r in lake] == [
        ("001", "2024-05-01", 10.0), ("001", "2024-05-02", 12.0), ("002", "2024-05-31", 5.0),
        ("003", "2024-06-02", 8.0), ("003", "2024-06-03", 9.0)]
    # May: the first file without 05-02, and the second's; June: the first file's one row was
    # replaced (the file is dropped), the second's two rows
    assert listed == (3, 5)


def _readings(days: int, accounts: int, order: str) -> pa.Table:
    rows = [(f"{a:05d}", dt.date(2024, 1, 30) + dt.timedelta(days=d), float(a + d))
            for d in range(days) for a in range(accounts)]
    if order == "account":
        rows.sort(key=lambda r: (r[0], r[1]))
    elif order == "shuffled":
        rows = rows[1::2] + rows[0::2]
    elif order == "descending":
        rows.sort(reverse=True)
    return pa.table({"户号": [r[0] for r in rows], "日期": pa.array([r[1] for r in rows], pa.date32()),
                     "总电量": [r[2] for r in rows]})


@pytest.mark.parametrize(("order", "by_range"), [("day", True), ("account", False),
                                                 ("descending", False), ("shuffled", True)])
def test_typed_parquet_any_order_same_as_staged(tmp_path, monkeypatch, order, by_range):
    """Files in day order are written partition by partition (row groups skipped), the others
    by the partitioned write; shuffled keys are checked exactly. All load directly."""
    ranged = []
    real = load.clustered_ranges
    monkeypatch.setattr(load, "clustered_ranges", lambda *a: ranged.append(real(*a)) or ranged[-1])
    table = _readings(5, 7, order)
    reports, lake, _, listed, _ = _same(tmp_path, monkeypatch, [("power_readings/p.parquet", table)], 1)
    assert reports == [("loaded", 35, 35, 0, 0, 0)]
    assert len(lake) == 35 and listed == (2, 35)
    assert (ranged[0] is not None) is by_range


def test_repeated_keys_go_the_staged_way(tmp_path, monkeypatch):
    """A key repeated far apart in an unsorted file, and one repeated after cleaning ('00001 '
    next to '00001' in a sorted file): the staged path lists them, the last row wins."""
    table = _readings(3, 4, "shuffled")
    dup = pa.concat_tables([table, table.slice(0, 1).set_column(2, "总电量", pa.array([99.0]))])
    reports, lake, rejects, _, _ = _same(tmp_path, monkeypatch, [("power_readings/d.parquet", dup)], 0)
    assert reports == [("loaded", 13, 12, 0, 1, 0)]
    assert "内容不同" in rejects[0][4] and 99.0 in [r[2] for r in lake]

    text = "户号,日期,总电量\n00001,2024-05-01,1\n00001 ,2024-05-01,2\n00002,2024-05-01,3\n".encode()
    reports, lake, rejects, _, _ = _same(tmp_path / "b", monkeypatch, [("power_readings/t.csv", text)], 0)
    assert reports == [("loaded", 3, 2, 0, 1, 0)]
    assert [(r[0], r[2]) for r in lake] == [("00001", 2.0), ("00002", 3.0)]


def test_interval_readings_timestamp_partitions(tmp_path, monkeypatch):
    """Typed timestamps over a month boundary, in time order (written partition by partition)."""
    ts = [dt.datetime(2024, 5, 31, 23, 0) + dt.timedelta(minutes=15 * i) for i in range(12)]
    table = pa.table({"户号": ["7"] * 12, "数据时间": pa.array(ts, pa.timestamp("us")),
                      "电量": [0.5] * 11 + [-1.0]})
    reports, lake, rejects, listed, _ = _same(tmp_path, monkeypatch, [("power_readings/i.parquet", table)], 1)
    assert reports == [("loaded", 12, 11, 0, 1, 0)]
    assert listed == (2, 11) and rejects[0][1:3] == (13, "电量")


def _plan(tmp_path: Path, text: str):
    path = tmp_path / "inbox" / "power_readings" / "k.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    con = duckdb.connect()
    install_macros(con)
    raw = read_any(con, path, set(), tmp_path)
    spec, mapping = choose_spec("power_readings", raw.headers)
    return con, raw, plan_casts(con, spec, raw, mapping)


@pytest.mark.parametrize(("rows", "unique"), [
    ("a,2024-05-01\na,2024-05-02\nb,2024-05-01\n", True),  # by account, then day
    ("a,2024-05-01\nb,2024-05-01\na,2024-05-02\n", True),  # by day, then account
    ("b,2024-05-02\nb,2024-05-01\na,2024-05-03\n", True),  # falling
    ("a,2024-05-01\nb,2024-05-01\na,2024-05-01\n", False),  # a repeat two rows apart
    ("a,2024-05-01\na,2024-05-01\n", False),
    ("a,2024-05-01\na,\nb,2024-05-03\n", False),  # a missing value compared proves nothing
    ("a,2024-05-01\n,2024-05-02\nb,2024-05-03\n", True),  # (by day: the account is not compared)
    ("b,2024-05-01\na,2024-05-02\nc,2024-05-01\n", False),  # unsorted
    ("a,2024-05-01\n", True),
])
def test_key_order_proof(tmp_path, rows, unique):
    con, raw, plan = _plan(tmp_path, "户号,日期,总电量\n" + "".join(r[:-1] + ",1\n" for r in rows.splitlines(True)))
    for as_read in (True, False):
        assert plan.key_proven_unique(con, raw, as_read) is unique


def test_key_order_proof_guesses_on_first_rows_then_checks_all(tmp_path, monkeypatch):
    """The first rows fit two ways; only the whole file tells (here: neither holds)."""
    import sources.checks as checks

    monkeypatch.setattr(checks, "_SORT_GUESS_ROWS", 2)
    con, raw, plan = _plan(tmp_path, "户号,日期,总电量\na,2024-05-01,1\nb,2024-05-01,1\na,2024-05-01,1\n")
    assert plan.key_proven_unique(con, raw, True) is False


@pytest.mark.parametrize(("order", "clustered"), [("day", True), ("shuffled", True), ("account", False)])
def test_partition_ranges_only_for_files_in_time_order(tmp_path, monkeypatch, order, clustered):
    """Row groups of 4 rows: in day order (or two runs of it) each holds one or two days; by
    account each spans the month boundary, so ranges would read the file twice."""
    import sources.write
    from sources.write import clustered_ranges

    monkeypatch.setattr(sources.write, "_RANGE_MIN_ROWS", 0)

    path = tmp_path / "p.parquet"
    pq.write_table(_readings(5, 7, order), path, row_group_size=4)
    con = duckdb.connect()
    install_macros(con)
    raw = read_any(con, path, set(), tmp_path)
    spec, mapping = choose_spec("power_readings", raw.headers)
    plan = plan_casts(con, spec, raw, mapping)
    assert plan.partition_source() == ("day", "日期")
    ranges = clustered_ranges(con, spec, f"({plan.cast_sql(raw)})", "day", raw.parquet, "日期")
    assert (ranges is not None) is clustered
    if clustered:
        assert [(r.part, r.lo, r.hi) for r in ranges] == [
            ("202401", "cast('2024-01-30' as date)", "cast('2024-01-31' as date)"),
            ("202402", "cast('2024-02-01' as date)", "cast('2024-02-03' as date)")]
