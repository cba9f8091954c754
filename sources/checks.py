"""The cast-and-check plan of one file: SQL that turns raw columns into canonical ones.

The SQL's shape depends on which headers the file has and what types a Parquet file brings,
so it is built here from the spec (identifiers come from the spec and from the file's headers,
quoted); values are never formatted into it except the spec's own constants.

A failing value rejects its row when its column is a key or must be present (`nonnull`);
otherwise the value is cleared (置空) and the row loads. Either way it is listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from sources.readers import RawTable, quote_ident
from sources.spec import Column, Kind, SourceSpec
from sources.warehouse import SQL_TYPES, columns_sql

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
_SORT_GUESS_ROWS = 10_000  # rows read to guess the order a file is sorted in
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
        case Kind.TIMESTAMP if typ == "TIMESTAMP":
            return ref
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

    def _cast_ctes(self, raw: RawTable, as_read: bool = False) -> str:
        """CTEs `raw` (the file), `c` (canonical and raw columns) and `d` (plus derived ones);
        `as_read`: text columns taken as the file holds them (see `as_read_sql`)."""
        spec = self.spec
        as_is = set(self._text_as_read()) if as_read else set()
        cast_cols, raw_cols = [], []
        for col in spec.columns:
            h = self.mapping.get(col.name)
            if h is None:
                typ = "varchar" if col.kind == Kind.CRS else dict(columns_sql(spec))[col.name]
                cast_cols.append(f"cast(null as {typ}) as {col.name}")
                raw_cols.append(f"cast(null as varchar) as _r_{col.name}")
            else:
                ref = "raw." + quote_ident(h)
                value = ref if col.name in as_is else cast_expr(col, ref, self.types[h])
                cast_cols.append(f"{value} as {col.name}")
                raw_cols.append(f"{ref} as _r_{col.name}")
        derived = ", ".join(f"{expr} as {name}" for name, _, expr in spec.derived)
        return f"""
            with raw as ({raw.relation_sql}),
            c as (select _row, {', '.join(cast_cols)}, {', '.join(raw_cols)}, {self._extra_sql()} as _extra
                  from raw),
            d as (select *{', ' + derived if derived else ''} from c)"""

    def stage_sql(self, raw: RawTable, as_read: bool = False) -> str:
        """One select: canonical columns, derived ones, `_reject` and the list `_issues`
        (and `_as_read`, see `as_read_sql`, if asked)."""
        spec = self.spec
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
        derived_names = "".join(f", {name}" for name, _, _ in spec.derived)
        key_col = f", {self.as_read_sql()} as _as_read" if as_read else ""
        key_out = ", _as_read" if as_read else ""
        return f"""{self._cast_ctes(raw)},
            f as (select *, {', '.join(flags) or 'true as _none'} from d),
            k as (select _row, {', '.join(cleared)}{derived_names}, _extra, ({rejects}) as _reject,
                         case when {anyf} then {issues} end as _issues{key_col} from f)
            select _row, {', '.join(final_cols)}, _extra, _reject, _issues{key_out} from k"""

    def cast_sql(self, raw: RawTable, as_read: bool = False) -> str:
        """The canonical rows without the checks: what `stage_sql` gives for a file in which
        no check fails (nothing cleared, nothing rejected), at less cost; `as_read`: the
        file's text needs no cleaning (`as_read_sql` held on every row), so it is taken as is."""
        final_cols = [self._final(n) for n, _ in columns_sql(self.spec)]
        return f"""{self._cast_ctes(raw, as_read)}
            select _row, {', '.join(final_cols)}, _extra, false as _reject from d"""

    def partition_source(self) -> tuple[str, str] | None:
        """The column a lake partition is computed from and the file's column it is read from
        unchanged (a typed date or time), or None: only then can a filter on it skip the
        file's row groups by their statistics."""
        part = self.spec.lake_partition
        names = [c.name for c in self.spec.columns if part and re.search(rf"\b{c.name}\b", part)]
        if len(names) != 1 or names[0] not in self.mapping:
            return None
        h = self.mapping[names[0]]
        ref = "raw." + quote_ident(h)
        return (names[0], h) if cast_expr(self.spec.column(names[0]), ref, self.types[h]) == ref else None

    def _key_refs(self) -> list[tuple[str, str, str, bool]] | None:
        """Per key column: its name, the file's column, the canonical value's expression, and
        whether both are text (the file's value is the canonical one unless it needs
        cleaning); None when a key column is missing."""
        if any(k not in self.mapping for k in self.spec.key):
            return None
        out = []
        for k in self.spec.key:
            col, h = self.spec.column(k), self.mapping[k]
            ref = "raw." + quote_ident(h)
            text = self.types[h] == "VARCHAR" and SQL_TYPES[col.kind] == "varchar"
            out.append((k, ref, cast_expr(col, ref, self.types[h]), text))
        return out

    def _text_as_read(self) -> list[str]:
        """Columns whose file value is text and whose canonical value is cleaned text: where
        the file's text needs no cleaning, the two are equal."""
        return [c.name for c in self.spec.columns if c.name in self.mapping
                and self.types[self.mapping[c.name]] == "VARCHAR" and SQL_TYPES.get(c.kind) == "varchar"]

    def as_read_sql(self) -> str:
        """Over `stage_sql`'s columns: true when every text column of the row holds exactly what
        the file holds (nothing trimmed or folded). When it holds on every row of a file, the
        file's own text can stand for the canonical values (`cast_sql(as_read=True)`), and the
        file's order is the key's (`key_order_sql(as_read=True)`)."""
        return " and ".join(f"{n} is not distinct from _r_{n}" for n in self._text_as_read()) or "true"

    def key_order_sql(self, raw: RawTable, as_read: bool, ways: list[int] | None = None,
                      limit: int | None = None) -> str | None:
        """One row: whether the file's first row is unique (one stream), then per way a file
        can be sorted (`sort_ways`, all or those given) whether every row's key lies strictly
        beyond the row before's that way. Over the first `limit` rows if given. None when a
        key column is missing.

        `as_read`: every text value is known to be canonical already (`as_read_sql` held on
        every row), so the file's own values are compared, uncleaned. A comparison with a
        missing value fails. The pass is one stream (a window without partitions), so each
        row is compared with the one before it.
        """
        refs = self._key_refs()
        if refs is None:
            return None
        exprs = ", ".join(f"{ref if as_read and text else expr} as _k{i}"
                          for i, (_, ref, expr, text) in enumerate(refs))
        n = len(refs)
        prev = ", ".join(f"lag(_k{i}) over () as _p{i}" for i in range(n))
        # per column: above (_g), equal to (_e) the row before; below is neither
        cmp = ", ".join(f"_k{i} > _p{i} as _g{i}, _k{i} = _p{i} as _e{i}" for i in range(n))
        tests = []
        for w, (order, up) in enumerate(self.sort_ways()):
            if ways is not None and w not in ways:
                continue
            expr = ""
            for i in reversed(order):
                step = f"_g{i}" if up else f"not (_g{i} or _e{i})"
                expr = step if not expr else f"{step} or (_e{i} and ({expr}))"
            tests.append(f"count(*) filter (where _n > 1 and not coalesce({expr}, false)) = 0")
        return f"""
            with raw as ({raw.relation_sql}),
            k as (select {exprs} from raw{f' limit {int(limit)}' if limit else ''}),
            w as (select *, {prev}, row_number() over () as _n from k),
            c as (select _n, {cmp} from w)
            select count(*) filter (where _n = 1) <= 1, {', '.join(tests)} from c"""

    def sort_ways(self) -> list[tuple[list[int], bool]]:
        """The orders a file may come in: by the key's columns in their order or reversed (by
        account then day, or by day then account), rising or falling."""
        n = len(self.spec.key)
        orders = [list(range(n)), list(range(n))[::-1]][:1 if n == 1 else 2]
        return [(order, up) for order in orders for up in (True, False)]

    def key_proven_unique(self, con: duckdb.DuckDBPyConnection, raw: RawTable, as_read: bool) -> bool:
        """True when the file is sorted strictly by its natural key (some way, `sort_ways`):
        then no two rows share a key. False proves nothing (an unsorted file, a row without a
        key, a duplicate): the caller checks exactly.

        The ways that hold on the first rows are then checked on all rows (one
        single-threaded streaming pass over the key columns).
        """
        head = self.key_order_sql(raw, as_read, limit=_SORT_GUESS_ROWS)
        if head is None:
            return False
        single, *ok = con.execute(head).fetchone()
        ways = [w for w, holds in enumerate(ok) if holds]
        if not (single and ways):
            return False
        single, *holds = con.execute(self.key_order_sql(raw, as_read, ways)).fetchone()
        return bool(single and any(holds))

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
