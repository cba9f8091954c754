"""The cast-and-check plan of one file: SQL that turns raw columns into canonical ones.

The SQL's shape depends on which headers the file has and what types a Parquet file brings,
so it is built here from the spec (identifiers come from the spec and from the file's headers,
quoted); values are never formatted into it except the spec's own constants.

A failing value rejects its row when its column is a key or must be present (`nonnull`);
otherwise the value is cleared (置空) and the row loads. Either way it is listed.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from sources.readers import RawTable, quote_ident
from sources.spec import Column, Kind, SourceSpec
from sources.warehouse import columns_sql

PARSE_REASONS = {
    Kind.ID: "编号无法识别",
    Kind.USCC: "统一社会信用代码无法识别",
    Kind.PLATE: "车牌号无法识别",
    Kind.DATE: "日期无法识别（应为 2021-03-04、2021/3/4、20210304 或 Excel 日期）",
    Kind.TIMESTAMP: "时间无法识别（应为 2024-05-01 08:30:00 等形式）",
    Kind.NUMBER: "不是数字",
    Kind.LON: "经度不是数字",
    Kind.LAT: "纬度不是数字",
    Kind.CRS: "坐标系无法识别（应为 WGS84、GCJ02 或 BD09）",
    Kind.BOOL: "应为 是/否（或 三相四线/单相）",
}
_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL",
            "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def cast_expr(col: Column, ref: str, typ: str) -> str:
    """SQL turning the file's column `ref` (DuckDB type `typ`) into the canonical value."""
    numeric = typ.startswith(_NUMERIC)
    text = f"cast({ref} as varchar)"
    match col.kind:
        case Kind.DATE if typ == "DATE":
            return ref
        case Kind.DATE if typ.startswith("TIMESTAMP"):
            return f"cast({ref} as date)"
        case Kind.DATE:
            return f"xhg_date({text})"
        case Kind.TIMESTAMP if typ == "TIMESTAMP WITH TIME ZONE":
            return f"timezone('Asia/Shanghai', {ref})"
        case Kind.TIMESTAMP if typ.startswith("TIMESTAMP") or typ == "DATE":
            return f"cast({ref} as timestamp)"
        case Kind.TIMESTAMP:
            return f"xhg_timestamp({text})"
        case Kind.NUMBER | Kind.LON | Kind.LAT if numeric:
            return f"cast({ref} as double)"
        case Kind.NUMBER | Kind.LON | Kind.LAT:
            return f"xhg_number({text})"
        case Kind.BOOL if typ == "BOOLEAN":
            return ref
        case Kind.BOOL:
            return f"xhg_bool({text})"
        case Kind.ID:
            return f"xhg_id({text})"
        case Kind.USCC:
            return f"xhg_uscc({text})"
        case Kind.PLATE:
            return f"xhg_plate({text})"
        case Kind.CRS:
            return f"crs_norm({text})"
        case _:
            return f"xhg_text({text})"


@dataclass(frozen=True)
class Check:
    column: str  # canonical column the failure is listed under
    predicate: str  # SQL over the `c` CTE, true when the value fails
    reason: str
    reject: bool


@dataclass(frozen=True)
class CastPlan:
    spec: SourceSpec
    mapping: dict[str, str]  # canonical -> file header
    types: dict[str, str]  # file header -> DuckDB type

    def header(self, name: str) -> str:
        return self.mapping.get(name, self.spec.column(name).label)

    def checks(self) -> list[Check]:
        out: list[Check] = []
        key = set(self.spec.key)
        for col in self.spec.columns:
            reject = col.nonnull or col.name in key
            raw = f"_r_{col.name}"
            present = f"xhg_text({raw}) is not null"
            if col.name not in self.mapping:
                continue
            if col.nonnull:
                out.append(Check(col.name, f"case when {col.name} is null then not ({present}) end",
                                 "必填值为空", True))
            if col.kind in PARSE_REASONS:
                out.append(Check(col.name, f"case when {col.name} is null then {present} end",
                                 PARSE_REASONS[col.kind], reject))
            out.extend(self._validity(col, reject))
        for name, predicate, reason in self.spec.extra_checks:
            col = self.spec.column(name)
            out.append(Check(name, f"not coalesce({predicate}, false)", reason,
                             col.nonnull or name in key))
        return out

    def _validity(self, col: Column, reject: bool) -> list[Check]:
        n = col.name
        checks = []
        if col.kind == Kind.USCC:
            checks.append(Check(n, f"not xhg_uscc_valid({n})",
                                "统一社会信用代码校验不通过（18位，校验位按 GB 32100 计算）", reject))
        if col.kind == Kind.PLATE:
            checks.append(Check(n, f"not xhg_plate_valid({n})",
                                "车牌号格式不对（应如 晋M·A1234）", reject))
        if col.min_value is not None:
            why = "为负数" if col.min_value == 0 else f"小于下限 {col.min_value:g}"
            checks.append(Check(n, f"{n} < {col.min_value!r}", why, reject))
        if col.max_value is not None:
            checks.append(Check(n, f"{n} > {col.max_value!r}",
                                f"数值超出合理范围（大于 {col.max_value:,.0f}）", reject))
        if col.kind in (Kind.LON, Kind.LAT):
            lo, hi = CHINA_LON if col.kind == Kind.LON else CHINA_LAT
            checks.append(Check(n, f"{n} not between {lo} and {hi}",
                                f"{col.label}不在中国范围内（{lo:g}–{hi:g}）", reject))
        if col.kind in (Kind.DATE, Kind.TIMESTAMP):
            checks.append(Check(n, f"year({n}) not between 1950 and 2100",
                                "日期不合理（年份应在 1950–2100 之间）", reject))
        if col.choices:
            listing = ", ".join(_sql_str(c) for c in col.choices)
            checks.append(Check(n, f"{n} not in ({listing})",
                                f"应为 {'/'.join(col.choices)} 之一", reject))
        return checks

    def stage_sql(self, raw: RawTable) -> str:
        """One select: canonical columns, derived ones, `_reject` and the list `_issues`."""
        spec = self.spec
        cast_cols, raw_cols = [], []
        for col in spec.columns:
            h = self.mapping.get(col.name)
            if h is None:
                typ = "varchar" if col.kind == Kind.CRS else dict(columns_sql(spec))[col.name]
                cast_cols.append(f"cast(null as {typ}) as {col.name}")
                raw_cols.append(f"cast(null as varchar) as _r_{col.name}")
            else:
                ref = "raw." + quote_ident(h)
                cast_cols.append(f"{cast_expr(col, ref, self.types[h])} as {col.name}")
                raw_cols.append(f"{ref} as _r_{col.name}")
        checks = self.checks()
        flags = [f"coalesce({c.predicate}, false) as _f{i}" for i, c in enumerate(checks)]
        cleared = []
        for col in spec.columns:
            # an unreadable 坐标系 makes the row's coordinates unusable too
            owners = {col.name, "crs"} if col.kind in (Kind.LON, Kind.LAT) and not col.name[:-3] \
                else {col.name}
            mine = [f"_f{i}" for i, c in enumerate(checks) if c.column in owners and not c.reject]
            cleared.append(f"case when {' or '.join(mine)} then null else {col.name} end as {col.name}"
                           if mine else col.name)
        final_cols = [self._final(n) for n, _ in columns_sql(spec)]
        rejects = " or ".join(f"_f{i}" for i, c in enumerate(checks) if c.reject) or "false"
        anyf = " or ".join(f"_f{i}" for i in range(len(checks))) or "false"
        items = ", ".join(
            f"case when _f{i} then {{'col': {_sql_str(self.header(c.column))}, "
            f"'val': cast(_r_{c.column} as varchar), 'reason': {_sql_str(c.reason)}, "
            f"'reject': {str(c.reject).lower()}}} end" for i, c in enumerate(checks))
        issues = f"list_filter([{items}], x -> x is not null)" if checks else "null"
        extra = self._extra_sql()
        derived = ", ".join(f"{expr} as {name}" for name, _, expr in spec.derived)
        derived_names = "".join(f", {name}" for name, _, _ in spec.derived)
        return f"""
            with raw as ({raw.relation_sql}),
            c as (select _row, {', '.join(cast_cols)}, {', '.join(raw_cols)}, {extra} as _extra
                  from raw),
            d as (select *{', ' + derived if derived else ''} from c),
            f as (select *, {', '.join(flags) or 'true as _none'} from d),
            k as (select _row, {', '.join(cleared)}{derived_names}, _extra, ({rejects}) as _reject,
                         case when {anyf} then {issues} end as _issues from f)
            select _row, {', '.join(final_cols)}, _extra, _reject, _issues from k"""

    def _final(self, name: str) -> str:
        """Coordinates: both or neither; converted to WGS-84 where the file gives a 坐标系."""
        kinds = {c.name: c.kind for c in self.spec.columns}
        if kinds.get(name) not in (Kind.LON, Kind.LAT):
            return name
        prefix, axis = name[:-3], name[-3:]
        lon, lat = f"{prefix}lon", f"{prefix}lat"
        both = f"case when {lon} is null or {lat} is null then null else {{}} end as {name}"
        if prefix or "crs" not in self.mapping:
            return both.format(name)
        return both.format(f"to_wgs84({lon}, {lat}, crs).{axis}")

    def _extra_sql(self) -> str:
        """Columns the contract does not list are kept, as JSON, in table sources."""
        if self.spec.lake_partition:
            return "cast(null as json)"
        extras = [h for h in self.types if h not in self.mapping.values() and h != "_row"]
        if not extras:
            return "cast(null as json)"
        pairs = ", ".join(f"{_sql_str(h)}: raw.{quote_ident(h)}" for h in extras)
        return f"to_json({{{pairs}}})"

    def dedupe(self, con: duckdb.DuckDBPyConnection, stage: str, load_id: int, file: str) -> str:
        """Rows sharing a natural key inside the file: the last one wins, the others are listed."""
        key = ", ".join(self.spec.key)
        cols = ", ".join(n for n, _ in columns_sql(self.spec))
        labels = "、".join(self.header(k) for k in self.spec.key)
        con.execute(f"""create or replace temp table _dups as
            with g as (select {key}, max(_row) as keep from {stage} where not _reject
                       group by {key} having count(*) > 1),
            h as (select s._row, g.keep, hash({cols}) as h from {stage} s join g using ({key})
                  where not s._reject)
            select a._row, a.keep, a.h = b.h as same from h a join h b on b._row = a.keep
            where a._row <> a.keep""")
        con.execute(f"""insert into load_rejects
            select $id, $f, _row, {_sql_str(labels)}, null,
                   case when same then '与第 ' || keep || ' 行完全相同（重复行），只保留一行'
                        else '与第 ' || keep || ' 行的{labels}相同但内容不同，以文件中后出现的第 '
                             || keep || ' 行为准' end,
                   '拒收'
            from _dups""", {"id": load_id, "f": file})
        return "_dups"


def plan_casts(con: duckdb.DuckDBPyConnection, spec: SourceSpec, raw: RawTable,
               mapping: dict[str, str]) -> CastPlan:
    types = {r[0]: r[1] for r in con.execute(f"describe {raw.relation_sql}").fetchall()}
    return CastPlan(spec, mapping, types)
