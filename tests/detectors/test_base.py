"""The detector contract: overrides from a TOML file, typed; evidence columns enforced."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from detectors import DETECTORS
from detectors.base import (
    EVIDENCE,
    conform,
    in_list_join_filters,
    install_trade_macros,
    load_overrides,
    with_overrides,
)
from scoring.score import DETECTOR_WEIGHTS
from tests.detectors.frames import connect, insert


def test_every_detector_keeps_the_contract():
    names = [m.NAME for m in DETECTORS]
    assert len(names) == len(set(names)) == 19
    assert set(names) == set(DETECTOR_WEIGHTS)  # every detector has a family and a weight
    for module in DETECTORS:
        assert callable(module.detect) and module.Params() == module.Params()  # frozen, defaults


def test_overrides_from_toml_are_typed(tmp_path):
    night = next(m for m in DETECTORS if m.NAME == "night_load")
    path = tmp_path / "params.toml"
    path.write_text("[night_load]\nnight_start_hour = 21\nmin_share = 1\n", encoding="utf-8")
    params = with_overrides(night.Params(), load_overrides(path)["night_load"])
    assert params.night_start_hour == 21 and params.min_share == 1.0
    with pytest.raises(ValueError, match="参数 nonsense 不存在"):
        with_overrides(night.Params(), {"nonsense": 1})
    with pytest.raises(ValueError, match="应为 int"):
        with_overrides(night.Params(), {"night_start_hour": "21点"})


def test_conform_refuses_a_missing_column():
    table = pa.table({"site_id": ["S1"], "detector": ["x"], "score": [0.5]})
    with pytest.raises(ValueError, match="evidence columns"):
        conform(table)
    full = EVIDENCE.empty_table()
    assert conform(full).schema == EVIDENCE


def test_in_list_join_filters_beyond_a_province_of_closed_sites(tmp_path):
    """relit probes 5,015 accounts at p100: the scan still gets an IN list, not a Bloom filter
    (twice the cost per row: 46.5 s against 27.2 s there)."""
    con = duckdb.connect()
    path = tmp_path / "readings.parquet"
    con.execute(f"copy (select lpad(i::varchar, 10, '0') as account_no, i as v from range(100000) t(i))"
                f" to '{path}'")
    con.execute("create table keys as select lpad((i * 7)::varchar, 10, '0') as account_no"
                " from range(6000) t(i)")
    query = f"explain analyze select sum(v) from read_parquet('{path}') join keys using (account_no)"
    with in_list_join_filters(con):
        plan = con.execute(query).fetchall()[0][1]
    assert "account_no IN (" in plan
    plan = con.execute(query).fetchall()[0][1]  # the setting is restored: DuckDB's own choice
    assert "account_no IN (" not in plan


def test_registry_trades_from_the_code_else_the_name_else_the_scope():
    """The filed code cut to its digits; without one, the name's trade word (the scope's where
    it names the same trade finer); a shop's name passed over; else the first producing clause
    of the scope; nothing from 科技 or trade."""
    con = connect("registry")
    rows = [("1", "夏县恒达化工有限公司", "C2614", "有机化学原料制造"),
            ("2", "夏县宏达饲料有限公司", None, "饲料生产、销售"),
            ("3", "夏县益民建材科技有限公司", None, "建材销售；混凝土外加剂（聚羧酸减水剂）生产、销售"),
            ("4", "夏县兴旺饲料经营部", None, "饲料、兽药零售"),
            ("5", "夏县瑞丰环保科技有限公司", None, "技术开发、技术服务；化工产品销售"),
            ("6", "夏县绿源涂料科技有限公司", None, "技术服务；涂料销售"),
            ("7", "夏县丰收农业科技有限公司", None, "化肥销售（不含危险化学品）；生物有机肥生产；复合肥销售"),
            ("8", "夏县东升钢结构有限公司", None, "塑钢门窗制作；钢结构件加工"),
            ("9", "夏县益民混凝土外加剂有限公司", None, "混凝土外加剂生产"),
            ("10", "夏县德顺食品有限公司", None, "速冻食品生产、销售"),
            ("11", "夏县许胜旭养殖场", None, "生猪、肉鸡养殖")]
    insert(con, "registry", [dict(uscc=u, name=n, industry_code=c, scope=s, status="存续")
                             for u, n, c, s in rows])
    install_trade_macros(con)
    got = {r[0]: r[1:] for r in con.execute(
        "select uscc, trade_code, code_source, name_code, scope_code from xhg_registry_trades()").fetchall()}
    assert got == {"1": ("2614", "登记", None, None),
                   "2": ("1329", "名称", "1329", "1329"),
                   "3": ("2662", "经营范围", None, "2662"),
                   "4": (None, None, None, None),
                   "5": (None, None, None, None),
                   "6": ("2641", "名称", "2641", None),
                   "7": ("2625", "经营范围", None, "2625"),
                   "8": ("3311", "名称", "3311", "3312"),
                   "9": ("2662", "名称", "2662", "2662"),  # the compound's head, not 混凝土
                   "10": ("1432", "经营范围", "14", "1432"),  # the scope names the trade finer
                   "11": ("0313", "经营范围", "03", "0313")}  # the first item listed
