"""The one contract every detector keeps, and the helpers they share.

A detector is a module in `detectors/` named for what it flags, exposing

    NAME: str                      # e.g. "power_surge"
    Params                         # a frozen dataclass; every field has its default here
    def detect(con, as_of: date, params: Params = Params()) -> pyarrow.Table   # EVIDENCE

It reads the warehouse (canonical tables, lake views, `sites`, `site_members`, truck tables)
and returns evidence rows, one per site and finding, with exactly the columns of EVIDENCE.
`score` is 0–1 (higher = more suspicious); `reason` is plain Chinese with the numbers an
inspector needs; `facts` is a JSON object of those numbers. A detector never writes tables.

Sites (built by `sites.resolve`): `sites(site_id, name, address, township, lon, lat, ...)`
and `site_members(site_id, member_kind, member_key, rule, score)` where member_kind is one
of MEMBER_KINDS and member_key the record's natural key: registry → uscc, permit →
permit_no, power_account → account_no, truck_place → place_id, tip → tip_no,
closed_site → name || '|' || address.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from sources.sqlfile import bound, has_tables, run_all

EVIDENCE = pa.schema([
    ("site_id", pa.string()),
    ("detector", pa.string()),
    ("score", pa.float64()),
    ("period_start", pa.date32()),
    ("period_end", pa.date32()),
    ("category_hint", pa.string()),  # contract §4: '1'..'6', '复燃', or NULL
    ("reason", pa.string()),
    ("facts", pa.string()),  # JSON object
])
MEMBER_KINDS = ("registry", "permit", "power_account", "truck_place", "tip", "closed_site")


def run_sql(con: duckdb.DuckDBPyConnection, sql_file: Path, params: dict[str, Any]) -> pa.Table:
    """Run a detector's .sql (its final select yields EVIDENCE columns) with bound values."""
    sql = sql_file.read_text(encoding="utf-8")
    table = con.execute(sql, bound(sql, params)).to_arrow_table()
    return conform(table)


def conform(table: pa.Table) -> pa.Table:
    """Exactly the EVIDENCE columns, in order and type; a missing or extra column is a bug."""
    if set(table.column_names) != set(EVIDENCE.names):
        raise ValueError(f"evidence columns {table.column_names} != {EVIDENCE.names}")
    return table.select(EVIDENCE.names).cast(EVIDENCE)


# names of places where drivers stop on their way: to eat, sleep, shop, have the truck seen to
# (truck_unlicensed_stop and waybill_mismatch weigh stops there `roadside_factor`)
ROADSIDE_PATTERN = ("饭店|餐馆|餐厅|饭馆|面馆|小吃|快餐|食堂|农家乐|酒店|宾馆|旅馆|旅社|招待所|客栈|"
                    "便利店|超市|商店|小卖部|门市部|汽修|汽车修理|修理厂|修理部|轮胎|洗车|停车场|服务区")
# trades that honestly work at night, when named on a power account or a firm (night_load
# discounts them, trade_night leaves them out: their registered industry code says otherwise):
# cold chains and bakeries, utilities, and the night-time services every county town has —
# internet cafés, karaoke, bathhouses, lodging, EV charging on the valley tariff
NIGHT_TRADES = ("冷库", "冷藏", "冷链", "制冰", "冰厂", "面包", "烘焙", "糕点", "水厂", "供水", "自来水",
                "污水", "基站", "路灯", "网吧", "网咖", "电竞", "KTV", "歌厅", "歌舞", "酒吧", "夜总会",
                "洗浴", "浴池", "足浴", "宾馆", "旅馆", "充电站", "换电站")
# licensed night-time activities as a 经营范围 states them (a café registered as 某某网络科技有限公司
# says 互联网上网服务 only there); not EV charging, which many a 新能源科技 firm lists — the very
# names the campaign suspects
NIGHT_SCOPES = ("上网服务", "歌舞娱乐", "洗浴服务", "足浴服务")
TRUCK_TABLES = ("truck_stays", "truck_place_visits", "truck_places")


def install_truck_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The table macros the truck detectors share (detectors/truck_common.sql)."""
    run_all(con, Path(__file__).with_name("truck_common.sql"))


def install_waybill_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The table macro telling which site each e-waybill went to (detectors/waybill_common.sql)."""
    run_all(con, Path(__file__).with_name("waybill_common.sql"))


def run_waybill_sql(con: duckdb.DuckDBPyConnection, sql: Path, params: Any, as_of: dt.date) -> pa.Table:
    """A detector reading e-waybills through the waybill macros: no rows without waybills."""
    if not has_tables(con, ("waybills",)):
        return empty()
    install_waybill_macros(con)
    return run_sql(con, sql, sql_params(params, as_of))


def install_consigned_waybills(con: duckdb.DuckDBPyConnection, as_of: dt.date, waybill_days: int,
                               reach_m: float) -> None:
    """Temp table `consigned_waybills`: the e-waybills of the window naming their site as
    consignee, with `use_label` where the site's own trade uses the goods (waybill_common.sql,
    xhg_consigned_waybills). Materialised, not called inside a detector's query: a detector's
    CTEs may bear the names of the tables the macro reads (`waybills`, `registry`) and would
    shadow them."""
    install_waybill_macros(con)
    con.execute("create or replace temp table consigned_waybills as "
                "select * from xhg_consigned_waybills($as_of, $days, $reach_m)",
                {"as_of": as_of, "days": waybill_days, "reach_m": reach_m})


def install_growth_macros(con: duckdb.DuckDBPyConnection) -> None:
    """How a rise in consumption scores, shared by power_surge and power_yoy (growth_common.sql),
    and whether the 谷 hours are night (`install_valley_macro`)."""
    run_all(con, Path(__file__).with_name("growth_common.sql"))
    install_valley_macro(con)


def install_power_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The cap on a reading a connection can carry (power_common.sql, xhg_reading_caps), and
    whether the 谷 hours are night (`install_valley_macro`)."""
    run_all(con, Path(__file__).with_name("power_common.sql"))
    install_valley_macro(con)


def install_valley_macro(con: duckdb.DuckDBPyConnection) -> None:
    """`xhg_valley_is_night()`: whether the 谷 (valley) hours are mostly clock night, as the
    screening read them off the data (table `tou_valley`, detectors/tou.py); without that
    table, or where nothing could be read, true (a valley around midnight, as in Shanxi)."""
    is_night = True
    if has_tables(con, ("tou_valley",)):
        row = con.execute("select bool_and(is_night) from tou_valley").fetchone()
        is_night = True if row is None or row[0] is None else bool(row[0])
    con.execute(f"create or replace temp macro xhg_valley_is_night() as {str(is_night).lower()}")


def install_trade_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Every registration's trade code, registered or read from its name and scope
    (trade_common.sql, xhg_registry_trades)."""
    run_all(con, Path(__file__).with_name("trade_common.sql"))


def empty() -> pa.Table:
    return EVIDENCE.empty_table()


def sql_params(params: Any, as_of: dt.date) -> dict[str, Any]:
    """A detector's params as bound SQL values, plus `as_of`."""
    return {**dataclasses.asdict(params), "as_of": as_of}


def load_overrides(path: Path | None) -> dict[str, dict[str, Any]]:
    """A TOML file of `[detector_name] field = value` overrides (see `with_overrides`)."""
    if path is None:
        return {}
    with path.open("rb") as f:
        return tomllib.load(f)


def with_overrides(params: Any, overrides: dict[str, Any]) -> Any:
    """A copy of `params` with fields replaced; unknown names and wrong types are errors."""
    fields = {f.name: f for f in dataclasses.fields(params)}
    values = {}
    for name, value in overrides.items():
        if name not in fields:
            raise ValueError(f"参数 {name} 不存在（可用：{'、'.join(fields)}）")
        current = getattr(params, name)
        if isinstance(current, dt.date) and isinstance(value, str):
            value = dt.date.fromisoformat(value)
        elif isinstance(current, float) and isinstance(value, int):
            value = float(value)
        elif isinstance(current, tuple) and isinstance(value, list):
            value = tuple(value)
        if current is not None and not isinstance(value, type(current)):
            raise ValueError(f"参数 {name} 应为 {type(current).__name__}，得到 {value!r}")
        values[name] = value
    return dataclasses.replace(params, **values)


# A hash join hands the scan of its probe side a filter on the join key: an IN list of the keys
# up to `dynamic_or_filter_threshold` (DuckDB's default: 50), a Bloom filter beyond. Over a
# year of daily readings, probed for the few hundred accounts of closed sites, the Bloom filter
# costs twice the IN list per row, so from 50 accounts on (a province sample) relit and
# night_load grew faster than the data. Raised for a detector's queries only. At p100 relit
# probes 5,015 accounts: with the limit at 5,000 it fell back to the Bloom filter (46.5 s);
# with the IN list 27.2 s (BENCHMARKS.md, "relit at p100").
IN_FILTER_KEYS = 50_000


@contextmanager
def in_list_join_filters(con: duckdb.DuckDBPyConnection, keys: int = IN_FILTER_KEYS) -> Iterator[None]:
    """Join filters pushed into scans as IN lists up to `keys` keys, the setting restored after."""
    (before,) = con.execute("select current_setting('dynamic_or_filter_threshold')").fetchone()
    con.execute(f"set dynamic_or_filter_threshold = {max(int(keys), int(before))}")
    try:
        yield
    finally:
        con.execute(f"set dynamic_or_filter_threshold = {int(before)}")
