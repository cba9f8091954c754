"""The lead list writer: formula-looking text stays text, in xlsx and in CSV."""

from __future__ import annotations

import datetime as dt
import zipfile

import pyarrow as pa

from reports.lead_list import LEAD_COLUMNS, write_lead_list


def _row(**over):
    base = {c: "" for c in LEAD_COLUMNS}
    base.update({"线索编号": "XHG-000001", "排名": 1, "风险分": 71.5, "风险等级": "高", "经度": 111.2,
                 "纬度": 35.1, "首次发现": dt.date(2026, 11, 30), "连续周数": 1, "状态": "新增",
                 "所属乡镇": "禹王镇"})
    base.update(over)
    return base


def test_formula_like_text_is_never_a_formula(tmp_path):
    """A name starting with '=' (an office's export can carry anything) must stay text."""
    rows = pa.Table.from_pylist([_row(场所名称="=HYPERLINK(\"http://x\")", 地址="+86 某村", 主要线索="@SUM(A1)")])
    xlsx, csv_path = write_lead_list(rows, "2026-W49", tmp_path, dt.date(2026, 11, 30))
    with zipfile.ZipFile(xlsx) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s for s in sheets)
    text = csv_path.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'+86" in text and "'@SUM" in text


def test_returned_lead_list_loads_as_outcomes(tmp_path):
    """An inspector fills two of three rows in Excel and returns the file: the two load as
    verdicts, the blank one is counted as not filled in, nothing is lost."""
    import openpyxl

    from pipelines.cli import main
    from sources.warehouse import Warehouse

    rows = pa.Table.from_pylist([_row(线索编号=f"XHG-00000{i}", 排名=i) for i in (1, 2, 3)])
    xlsx, _ = write_lead_list(rows, "2026-W49", tmp_path / "out", dt.date(2026, 11, 30))
    book = openpyxl.load_workbook(xlsx)
    sheet = book["线索清单"]
    header = [c.value for c in sheet[1]]
    for row, verdict in ((2, "属实"), (3, "不属实")):
        sheet.cell(row, header.index("核查日期") + 1, "2026-12-03")
        sheet.cell(row, header.index("核查结论") + 1, verdict)
    sheet.cell(2, header.index("整治类别") + 1, 3)
    book.save(xlsx)
    wh = tmp_path / "w.duckdb"
    assert main(["feedback", str(xlsx), "--warehouse", str(wh)]) == 0
    con = Warehouse(wh).connect(read_only=True)
    assert con.execute("select lead_no, verdict, category from outcomes order by 1").fetchall() == [
        ("XHG-000001", "属实", 3.0), ("XHG-000002", "不属实", None)]
    assert con.execute("select rows_read, loaded, rejected from load_manifest").fetchone() == (3, 2, 1)
