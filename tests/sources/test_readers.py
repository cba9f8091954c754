"""Readers: encodings, delimiters, xlsx title rows, Parquet types; row numbers as Excel shows."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from sources.readers import UnreadableFile, normalise_header, read_any

KNOWN = {normalise_header(h) for h in ("户号", "户名", "用电地址", "用电类别")}
ROWS = "户号,户名,用电地址,用电类别\n0012,张三,上王村,居民生活用电\n0013,李四,下王村,居民生活用电\n"


def _read(con, path, tmp_path):
    raw = read_any(con, path, KNOWN, tmp_path)
    return raw, con.execute(f"select * from ({raw.relation_sql}) order by _row").fetchall()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_keep_text_and_leading_zeros(tmp_path, encoding):
    """GBK and BOM files read the same as UTF-8; 0012 stays 0012; data rows start at row 2."""
    import duckdb

    path = tmp_path / "a.csv"
    path.write_bytes(ROWS.encode(encoding))
    raw, rows = _read(duckdb.connect(), path, tmp_path)
    assert raw.headers == ("户号", "户名", "用电地址", "用电类别")
    assert rows[0] == (2, "0012", "张三", "上王村", "居民生活用电")
    assert rows[1][0] == 3


def test_tab_separated_and_quoted_newline(tmp_path):
    """Tab files are detected; a quoted field with a line break stays one record."""
    import duckdb

    path = tmp_path / "a.csv"
    path.write_text('户号\t户名\n001\t"多行\n名称"\n002\t王五\n', encoding="utf-8")
    _, rows = _read(duckdb.connect(), path, tmp_path)
    assert rows == [(2, "001", "多行\n名称"), (3, "002", "王五")]


def test_xlsx_header_below_title_rows_and_typed_cells(tmp_path):
    """Two title rows above the header; a date cell, a number cell, an empty row skipped."""
    import duckdb

    path = tmp_path / "a.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    ws.write(0, 0, "某县供电公司用户档案")
    ws.write_row(2, 0, ["户号", "户名", "立户日期", "合同容量"])
    ws.write_row(3, 0, ["0012", "张三"])
    ws.write_datetime(3, 2, dt.datetime(2021, 3, 4), wb.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write_number(3, 3, 50)
    ws.write_row(5, 0, ["0013", "李四"])
    wb.close()
    raw, rows = _read(duckdb.connect(), path, tmp_path)
    assert raw.headers == ("户号", "户名", "立户日期", "合同容量")
    assert rows == [(4, "0012", "张三", "2021-03-04", "50"), (6, "0013", "李四", None, None)]


def test_parquet_keeps_types(tmp_path):
    import duckdb

    path = tmp_path / "a.parquet"
    pq.write_table(pa.table({"户号": ["001"], "电量": [1.5]}), path)
    _, rows = _read(duckdb.connect(), path, tmp_path)
    assert rows == [(2, "001", 1.5)]


@pytest.mark.parametrize("name,content,message", [
    ("a.doc", b"x", "不支持的文件格式"),
    ("a.csv", b"", "文件为空"),
    ("a.xlsx", b"not a zip", "Excel 文件无法打开"),
    ("a.csv", "户号\n".encode("utf-16"), "UTF-16"),
])
def test_unreadable_files_say_why_in_chinese(tmp_path, name, content, message):
    import duckdb

    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=message):
        read_any(duckdb.connect(), path, KNOWN, tmp_path)


def test_header_variants_fold():
    assert normalise_header(" 户 号 ") == normalise_header("户号")
    assert normalise_header("合同容量（kVA）") == normalise_header("合同容量(kVA)")
    assert normalise_header("ＵＳＣＣ") == "uscc"
