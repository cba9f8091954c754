"""The weekly screening flow on a generated county: two weeks in a row, and the files."""

from __future__ import annotations

import csv
import datetime as dt
import logging

from python_calamine import CalamineWorkbook

from detectors import DETECTORS
from pipelines.screen import screen_flow
from reports.lead_list import LEAD_COLUMNS, OUTCOME_COLUMNS


def test_two_weeks_keep_numbers_and_statuses(prefect_harness, county_copy, tmp_path):
    truth, wh = county_copy
    first = screen_flow(str(wh.path), dt.date(2026, 11, 23), str(tmp_path))
    second = screen_flow(str(wh.path), dt.date(2026, 11, 30), str(tmp_path))
    assert (first["week"], second["week"]) == ("2026-W48", "2026-W49")
    assert first["leads"] > 0 and second["leads"] > 0
    con = wh.connect(read_only=True)
    rows = con.execute("""
        select a.lead_no, a.site_id = b.site_id, a.status, b.status, b.weeks_running, b.first_seen
        from leads a join leads b using (lead_no)
        where a.week = '2026-W48' and b.week = '2026-W49'""").fetchall()
    new_numbers = con.execute("""select count(*) from leads where week = '2026-W49' and lead_no not in
        (select lead_no from leads where week = '2026-W48')""").fetchone()[0]
    statuses_2 = dict(con.execute("select lead_no, status from leads where week = '2026-W49'").fetchall())
    con.close()
    assert rows, "no lead listed in both weeks"
    for lead_no, same_site, s1, s2, weeks, first_seen in rows:
        assert same_site, lead_no
        assert s1 in ("新增", "复燃") and s2 in ("持续", "复燃")
        assert weeks == 2 and first_seen == dt.date(2026, 11, 23)
    assert sum(1 for s in statuses_2.values() if s == "新增") == new_numbers


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_lead_list_files_follow_the_contract(prefect_harness, county_copy, tmp_path):
    _, wh = county_copy
    logger, lines = logging.getLogger("xhg.screen"), _Lines()
    level = logger.level
    logger.addHandler(lines)
    logger.setLevel(logging.INFO)
    try:
        result = screen_flow(str(wh.path), dt.date(2026, 11, 30), str(tmp_path))
    finally:
        logger.removeHandler(lines)
        logger.setLevel(level)
    # progress, stage by stage (`xhg screen` shows it on stderr): a province run takes minutes
    progress = lines.lines
    assert progress[0] == "筛查截至 2026-11-30：识别车辆停靠、聚合地点、归并场所…"
    assert progress[1].startswith(f"场所 {result['sites']:,} 处（")
    # the 谷 hours, read off the county's own readings (its generator uses Shanxi's 0–7 and
    # 11–13, and its day profiles draw alike at 07 and 11: which of them is read varies)
    assert progress[2].startswith("谷段时段（据 ") and "其中夜间(22–6时)占 67%，谷段电量可作夜间用电的弱指标" in progress[2]
    assert sum(m.startswith("检测器 ") for m in progress) == len(DETECTORS)
    assert progress[-1].startswith(f"评分排名、写出线索清单：线索 {result['leads']:,} 条（")
    book = CalamineWorkbook.from_path(result["xlsx"])
    assert book.sheet_names[0] == "线索清单" and book.sheet_names[-1] == "说明"
    rows = book.get_sheet_by_name("线索清单").to_python()
    assert tuple(rows[0]) == LEAD_COLUMNS + OUTCOME_COLUMNS
    assert [r[1] for r in rows[1:]] == list(range(1, len(rows)))  # 排名 1..n
    townships = {r[7] or "乡镇不明" for r in rows[1:]}
    assert townships <= set(book.sheet_names)
    with open(result["csv"], encoding="utf-8") as f:
        assert f.read(1) == "\ufeff"  # BOM, so Excel reads UTF-8
    with open(result["csv"], encoding="utf-8-sig", newline="") as f:
        csv_rows = list(csv.reader(f))
    assert len(csv_rows) == len(rows) and csv_rows[0] == rows[0]


def test_the_default_as_of_is_the_day_after_the_data_whichever_end_the_meters_stamp():
    """Readings through 29 November: stamped at each interval's start (… 23:45) or end (…
    24:00 = 30 November 00:00), the screening's week ends on the 29th either way."""
    from pipelines.screen import default_as_of
    from tests.detectors.frames import connect

    for last in (dt.datetime(2026, 11, 29, 23, 45), dt.datetime(2026, 11, 30, 0, 0)):
        con = connect()
        con.execute("insert into power_readings_interval (account_no, ts, kwh) values ('A', ?, 1.0)", [last])
        con.execute("insert into power_readings_daily (account_no, day, kwh_total) values ('A', '2026-11-28', 9.0)")
        assert default_as_of(con) == dt.date(2026, 11, 30)
