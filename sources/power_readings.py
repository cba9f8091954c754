"""power_readings (电量): daily readings with time-of-use split, and interval readings.

Both forms arrive in the one folder `power_readings/`; the headers tell which form a file is.
Beware: 谷 (valley) hours are set per province and are not night (Shanxi: 00–07 and 11–13).
"""

from sources.spec import Column, Kind, SourceSpec

# No single account draws more than this in a day; larger values are meter or export errors.
MAX_DAILY_KWH = 5_000_000
MAX_INTERVAL_KWH = 200_000
ACCOUNT = Column("account_no", "户号", Kind.ID, True, True,
                 ("用户编号", "客户编号", "户号/用户号", "用户号"))

DAILY = SourceSpec(
    name="power_readings_daily",
    label="日电量",
    folder="power_readings",
    key=("account_no", "day"),
    lake_partition="year(day) * 100 + month(day)",  # yyyymm
    columns=(
        ACCOUNT,
        Column("day", "日期", Kind.DATE, True, True, ("数据日期", "抄表日期")),
        Column("kwh_total", "总电量", Kind.NUMBER, True, True, ("日电量", "有功总", "总电量(kWh)"),
               min_value=0, max_value=MAX_DAILY_KWH),
        *(Column(f"kwh_{n}", f"{z}电量", Kind.NUMBER, min_value=0, max_value=MAX_DAILY_KWH)
          for n, z in (("sharp", "尖"), ("peak", "峰"), ("flat", "平"), ("valley", "谷"))),
    ),
)

INTERVAL = SourceSpec(
    name="power_readings_interval",
    label="分时电量",
    folder="power_readings",
    key=("account_no", "ts"),
    lake_partition="year(ts) * 100 + month(ts)",  # yyyymm
    columns=(
        ACCOUNT,
        Column("ts", "数据时间", Kind.TIMESTAMP, True, True, ("采集时间", "时间")),
        Column("kwh", "电量", Kind.NUMBER, True, True, ("有功电量", "电量(kWh)"),
               min_value=0, max_value=MAX_INTERVAL_KWH),
    ),
)
