"""Readers: an office's file (CSV in any of its encodings, xlsx, Parquet) -> a DuckDB relation.

Every reader yields the file's own headers (unchanged) plus `_row`, the row number a clerk
sees when opening the file in Excel (the header line is its row; title rows above it count).
CSV and xlsx values stay text here; Parquet keeps its types. Casting happens in `load.py`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa
from python_calamine import CalamineWorkbook

_CHUNK = 1 << 22
_TITLE_ROWS_MAX = 15  # how far down an xlsx header may sit below title rows


class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message is Chinese, for the clerk."""


@dataclass(frozen=True)
class RawTable:
    relation_sql: str  # a select over the file with its headers and `_row`
    headers: tuple[str, ...]
    encoding: str  # what was detected, for the report
    parquet: Path | None = None  # the Parquet file the select reads (its row groups' statistics)


def normalise_header(h: object) -> str:
    """Full-width forms folded, whitespace removed, Latin lower-cased: '户 号 ' == '户号'."""
    text = unicodedata.normalize("NFKC", str(h if h is not None else ""))
    return "".join(text.split()).strip("\"'").lower()


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _detect_encoding(path: Path) -> str:
    """'utf-8-sig', 'utf-8' or 'gb18030' (a superset of GBK), by decoding the whole file."""
    with path.open("rb") as f:
        head = f.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            raise UnreadableFile("文件为 UTF-16 编码，请另存为 UTF-8 或 GBK 编码的 CSV")
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            return "gb18030"


def _transcode(path: Path, encoding: str, out: Path) -> Path:
    """Stream a GBK/GB18030 file into UTF-8 for DuckDB's reader (bounded memory)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as src, out.open("w", encoding="utf-8", newline="") as dst:
            while chunk := src.read(_CHUNK):
                dst.write(decoder.decode(chunk))
            dst.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as e:
        raise UnreadableFile(
            f"文件编码无法识别（既不是 UTF-8 也不是 GBK/GB18030），字节位置 {e.start}") from e
    return out


def _first_line(path: Path, encoding: str) -> str:
    with path.open(encoding=encoding, errors="replace", newline="") as f:
        return f.readline()


def read_csv(con: duckdb.DuckDBPyConnection, path: Path, workdir: Path) -> RawTable:
    """CSV (comma or tab; UTF-8, BOM, GBK/GB18030) -> a Parquet stage of text columns + `_row`.

    polars streams the file (quoted line breaks stay inside their record) and numbers the
    records in file order: record i is row i + 1 in Excel, the header being row 1.
    """
    encoding = _detect_encoding(path)
    source = path
    if encoding == "gb18030":
        source = _transcode(path, encoding, workdir / (path.stem + ".utf8.csv"))
    header_line = _first_line(source, "utf-8-sig")
    if not header_line.strip():
        raise UnreadableFile("文件为空或首行没有表头")
    delim = "\t" if header_line.count("\t") > header_line.count(",") else ","
    headers = _csv_headers(source, delim)
    staged = workdir / f"{path.stem}.{abs(hash(str(path)))}.raw.parquet"
    try:
        pl.scan_csv(source, separator=delim, has_header=True, new_columns=list(headers),
                    schema_overrides={h: pl.String for h in headers}, infer_schema=False,
                    quote_char='"', encoding="utf8", row_index_name="_row", row_index_offset=2,
                    truncate_ragged_lines=True).sink_parquet(staged)
    except pl.exceptions.PolarsError as e:
        raise UnreadableFile(f"CSV 文件格式错误：{str(e).splitlines()[0][:200]}") from e
    cols = ", ".join(quote_ident(h) for h in headers)
    return RawTable(f"select cast(_row as bigint) as _row, {cols} from read_parquet('{_sql_path(staged)}')",
                    headers, encoding, staged)


def _csv_headers(path: Path, delim: str) -> tuple[str, ...]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        row = next(csv.reader(f, delimiter=delim))
    return _dedupe_headers(row)


def _dedupe_headers(row: list[object]) -> tuple[str, ...]:
    """Blank headers get a placeholder name; a repeated header gets a suffix (kept, not lost)."""
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(row):
        name = str(h).strip() if h is not None and str(h).strip() else f"未命名列{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return tuple(out)


def read_xlsx(con: duckdb.DuckDBPyConnection, path: Path, known_headers: set[str]) -> RawTable:
    """First sheet; the header is the first row (within the top rows) naming known columns."""
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as e:  # calamine raises its own error types for corrupt files
        raise UnreadableFile(f"Excel 文件无法打开：{e}") from e
    header_idx = _find_header(rows, known_headers)
    headers = _dedupe_headers(list(rows[header_idx]))
    body = rows[header_idx + 1:]
    data = {h: [_cell_text(r[i]) if i < len(r) else None for r in body]
            for i, h in enumerate(headers)}
    nonempty = [any(v is not None for v in row) for row in zip(*data.values(), strict=True)] \
        if data else []
    table = pa.table({"_row": pa.array(range(header_idx + 2, header_idx + 2 + len(body)),
                                       pa.int64()),
                      **{h: pa.array(v, pa.string()) for h, v in data.items()},
                      "_nonempty": pa.array(nonempty, pa.bool_())})
    name = f"xlsx_{abs(hash(str(path)))}"
    con.register(name, table)
    cols = ", ".join(quote_ident(h) for h in headers)
    return RawTable(f"select _row, {cols} from {name} where _nonempty", headers, "xlsx")


def _find_header(rows: list[list[object]], known: set[str]) -> int:
    best, best_hits = None, 0
    for i, row in enumerate(rows[:_TITLE_ROWS_MAX]):
        hits = sum(1 for c in row if c is not None and normalise_header(c) in known)
        if hits > best_hits:
            best, best_hits = i, hits
        if hits >= 2:
            return i
    if best is None:
        raise UnreadableFile(f"前 {_TITLE_ROWS_MAX} 行中找不到表头（没有一列的名称可以识别）")
    return best


def _cell_text(v: object) -> str | None:
    """Excel cell -> text: integral floats lose '.0'; dates become ISO text."""
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, dt.timedelta):  # a time-of-day cell without a date
        return str(v)
    return str(v)


def read_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> RawTable:
    scan = f"read_parquet('{_sql_path(path)}', file_row_number=true)"
    try:
        headers = tuple(r[0] for r in con.execute(f"describe select * from {scan}").fetchall()
                        if r[0] != "file_row_number")
    except duckdb.Error as e:
        raise UnreadableFile(f"Parquet 文件无法读取：{e}") from e
    cols = ", ".join(quote_ident(h) for h in headers)
    return RawTable(f"select file_row_number + 2 as _row, {cols} from {scan}", headers, "parquet", path)


def read_any(con: duckdb.DuckDBPyConnection, path: Path, known_headers: set[str],
             workdir: Path) -> RawTable:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(con, path, workdir)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(con, path, known_headers)
    if suffix == ".parquet":
        return read_parquet(con, path)
    raise UnreadableFile(f"不支持的文件格式 {suffix}（请提交 .csv、.xlsx 或 .parquet）")


def _sql_path(path: Path) -> str:
    return _sql_str(str(path))


def _sql_str(s: str) -> str:
    return s.replace("'", "''")
