"""continuous_load: a flat load around the clock, all week — how reactors and kettles draw.

From interval readings over the last `window_days`: the coefficient of variation of the mean
kWh per reading by clock hour (`hour_cv`, gap-proof) and of the totals of whole days
(`day_cv`; a whole day has every clock hour and a multiple of 24 readings). Flags
accounts at most `max_hour_cv` and `max_day_cv` with at least `min_kwh` a day, then weighs
what is expected of the site: a valid hazardous-chemical permit (a licensed plant runs
continuously) × `licensed_factor`, a 24-hour trade named on the account or on a registration of
the site (`continuous_trades`: cold stores, water works, base stations, farms, internet
cafés, hotels, supermarkets …; a farm's meter is often in the farmer's own name) or in the
经营范围 of such a registration (`continuous_scopes`: 互联网上网服务, 数据处理 …) ×
`trade_factor`; a registration for services or
trade only (`service_words`, no 生产/制造/加工 in 经营范围) keeps the full score and says so;
大工业用电 × `big_industry_factor`, 一般工商业 and others × `commercial_factor`; 居民/农业
accounts keep the full score. The reason
names the class and the registered trade (name and the start of 经营范围), so an inspector
sees "registered as 技术开发, draws like a reactor".

Score: 0.3 at the limits and `min_kwh`, 1 at `full_flat` flatness (60 % of the weight) and
`full_kwh` (40 %, log scale), times the expectation factor.

Readings beyond what the connection can carry are dropped as data errors: a day above
`absurd_kva_factor` × contract kVA × 24 h, an interval reading above four times that power
for an hour, whatever its length (power_common.sql).

Known false positives: unnamed cold stores, fridges and freezers of shops, base stations,
fish-pond aerators, livestock ventilation, pumps on pressure control, server rooms, a
heater on a thermostat in deep winter. Known misses: batch workshops with day shifts only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from detectors.base import install_power_macros, run_sql, sql_params

NAME = "continuous_load"
_SQL = Path(__file__).with_suffix(".sql")


@dataclass(frozen=True)
class Params:
    window_days: int = 28
    min_days: int = 7  # whole days (24 hours read) needed
    max_hour_cv: float = 0.2  # variation between clock hours, borderline
    max_day_cv: float = 0.25  # variation between days, borderline
    full_flat: float = 0.6  # fraction of the way below both limits that counts as blatant
    min_kwh: float = 30.0  # kWh/day, borderline
    full_kwh: float = 2000.0
    licensed_factor: float = 0.2
    trade_factor: float = 0.2  # as expected as a licensed plant running around the clock
    big_industry_factor: float = 0.5
    commercial_factor: float = 0.8
    continuous_trades: tuple[str, ...] = ("冷库", "冷藏", "冷链", "制冰", "水厂", "供水", "自来水",
                                          "污水", "基站", "通信", "数据", "养殖", "孵化", "医院",
                                          # continuous kilns and furnaces
                                          "墙材", "砖", "窑", "水泥", "玻璃", "陶瓷", "冶炼", "铸造",
                                          # round-the-clock services of a county town
                                          "网吧", "网咖", "宾馆", "酒店", "旅馆", "超市", "卫生院",
                                          "养老", "加油站", "充电站")
    # … or as a registration's 经营范围 states it (a café registered as 某某网络科技有限公司); not
    # 冷藏/冷冻, which every food firm's scope lists for what it sells
    continuous_scopes: tuple[str, ...] = ("上网服务", "数据处理", "数据存储")
    service_words: tuple[str, ...] = ("技术开发", "技术服务", "技术咨询", "软件", "咨询", "贸易",
                                      "商贸", "销售", "信息")

    absurd_kva_factor: float = 5.0  # readings above this × contract kVA are data errors

def detect(con: duckdb.DuckDBPyConnection, as_of: dt.date, params: Params = Params()) -> pa.Table:
    p = sql_params(params, as_of)
    p["continuous_trades"] = list(params.continuous_trades)
    p["continuous_scopes"] = list(params.continuous_scopes)
    install_power_macros(con)
    return run_sql(con, _SQL, p)
