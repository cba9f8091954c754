"""The weekly lead list (contract §3): `leads-<week>.xlsx` for inspectors, `.csv` for import.

Sheets: 线索清单 (all leads, ranked), one per 乡镇, and 说明. After the lead columns come the
empty columns of the outcomes form for the inspector to fill; returned, the file loads
through `outcomes/` as it is. Text that begins with = + - @ is written as text, never as a
formula (a name or address from an office's export must not run in an inspector's Excel).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa
import xlsxwriter

LEAD_COLUMNS = ("线索编号", "排名", "风险分", "风险等级", "疑似整治类别", "场所名称", "地址", "所属乡镇",
                "经度", "纬度", "关联户号", "关联统一社会信用代码", "关联车牌", "主要线索", "首次发现",
                "连续周数", "状态")
OUTCOME_COLUMNS = ("核查日期", "核查结论", "整治类别", "处置措施", "没收违法所得(万元)", "罚款(万元)",
                   "核查人员", "备注")
CATEGORY_LABELS = {
    "1": "1 化工企业超许可范围", "2": "2 非化工企业未经许可", "3": "3 无证无照小作坊/黑窝点",
    "4": "4 挂靠租赁/厂中厂", "5": "5 冠名生物科技新材料", "6": "6 无证储存经营油品",
}
_FORMULA_START = ("=", "+", "-", "@")
_SQL = Path(__file__).with_name("lead_rows.sql")
_WIDTHS = {"场所名称": 28, "地址": 36, "主要线索": 90, "关联户号": 16, "关联统一社会信用代码": 22,
           "关联车牌": 16, "疑似整治类别": 20}


def lead_rows(con: duckdb.DuckDBPyConnection, week: str) -> pa.Table:
    table = con.execute(_SQL.read_text(encoding="utf-8"), {"week": week}).to_arrow_table()
    labels = [CATEGORY_LABELS.get(c, c) for c in table["疑似整治类别"].to_pylist()]
    return table.set_column(table.schema.get_field_index("疑似整治类别"), "疑似整治类别",
                            pa.array(labels, pa.string()))


def write_lead_list(rows: pa.Table, week: str, out_dir: Path, as_of: dt.date) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    xlsx = out_dir / f"leads-{week}.xlsx"
    csv_path = out_dir / f"leads-{week}.csv"
    records = rows.to_pylist()
    _write_xlsx(records, xlsx, week, as_of)
    _write_csv(records, csv_path)
    return xlsx, csv_path


def _safe_text(value: object) -> object:
    """For CSV opened by Excel: a leading ' keeps = + - @ from becoming a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _write_csv(records: list[dict], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(LEAD_COLUMNS + OUTCOME_COLUMNS)
        for r in records:
            w.writerow([_safe_text(_cell(r[c])) for c in LEAD_COLUMNS] + [""] * len(OUTCOME_COLUMNS))


def _cell(v: object) -> object:
    if isinstance(v, dt.date):
        return v.isoformat()
    return "" if v is None else v


def _write_xlsx(records: list[dict], path: Path, week: str, as_of: dt.date) -> None:
    # strings_to_formulas off: every str is stored as text, whatever it starts with
    wb = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False})
    fmt = {
        "head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                               "valign": "vcenter"}),
        "fill": wb.add_format({"bold": True, "bg_color": "#FFF2CC", "border": 1, "text_wrap": True}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "high": wb.add_format({"bg_color": "#F8CBAD", "valign": "top"}),
        "text": wb.add_format({"valign": "top"}),
    }
    _sheet(wb, "线索清单", records, fmt)
    for town in sorted({r["所属乡镇"] or "乡镇不明" for r in records}):
        _sheet(wb, town[:31], [r for r in records if (r["所属乡镇"] or "乡镇不明") == town], fmt)
    _readme(wb, week, as_of, len(records), fmt)
    wb.close()


def _sheet(wb, name: str, records: list[dict], fmt: dict) -> None:
    ws = wb.add_worksheet(name)
    columns = LEAD_COLUMNS + OUTCOME_COLUMNS
    for j, c in enumerate(columns):
        ws.write_string(0, j, c, fmt["fill"] if c in OUTCOME_COLUMNS else fmt["head"])
        ws.set_column(j, j, _WIDTHS.get(c, 11))
    for i, r in enumerate(records, start=1):
        for j, c in enumerate(LEAD_COLUMNS):
            v = _cell(r[c])
            style = fmt["high"] if c == "风险等级" and v == "高" else (
                fmt["wrap"] if c in ("主要线索", "地址") else fmt["text"])
            if isinstance(v, str):
                ws.write_string(i, j, v, style)
            else:
                ws.write_number(i, j, v, style)
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, max(len(records), 1), len(columns) - 1)
    ws.data_validation(1, columns.index("核查结论"), max(len(records), 1), columns.index("核查结论"),
                       {"validate": "list", "source": ["属实", "不属实", "已关停", "无法核实"]})


def _readme(wb, week: str, as_of: dt.date, n: int, fmt: dict) -> None:
    ws = wb.add_worksheet("说明")
    ws.set_column(0, 0, 110)
    lines = [
        f"非法违法“小化工”排查线索清单（{week}，数据截至 {as_of:%Y年%m月%d日}），共 {n} 条线索。",
        "",
        "怎么看：",
        "· 一条线索是一处场所：同一地点的企业登记、电力户、危化品车辆停靠点、举报已合并为一条。",
        "· 排名按风险分从高到低。风险分由各项线索相加：每项在“主要线索”中以【名称 +分值】标出；"
        "电力、登记许可、车辆、举报、台账等不同来源相互印证时另加分。",
        "· 风险等级：高 / 中 / 低。疑似整治类别按《专项整治》六类给出，供参考，以现场核实为准。",
        "· 状态：新增（本周首次出现）、持续（此前各周已列出，尚未核查完毕）、"
        "复燃（已关停场所重新出现活动迹象）。",
        "· 线索编号固定不变：同一场所每周编号相同。首次发现为第一次列出的日期，连续周数为连续列出的周数。",
        "· 经纬度为 WGS-84（GPS）坐标。多个户号、车牌等用分号分隔。",
        "",
        "怎么反馈：",
        "· 现场核查后，在本表右侧黄色列填写：核查日期、核查结论（属实/不属实/已关停/无法核实）、"
        "整治类别（1–6）、处置措施（责令停产整顿/关闭取缔/拆除装置/立案查处/移送司法/其他）、"
        "没收违法所得(万元)、罚款(万元)、核查人员、备注。",
        "· 不要改动线索编号；其余列可不动。填好后将文件放入数据目录 outcomes/，系统自动读取。",
        "· 核查为“不属实”的场所，若无新的异常，今后若干周不再列出；"
        "“已关停”的场所纳入回头看，重新出现活动即标为复燃。",
    ]
    for i, line in enumerate(lines):
        ws.write_string(i, 0, line, fmt["wrap"] if line else fmt["text"])
