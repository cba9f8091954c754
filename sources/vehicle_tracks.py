"""vehicle_tracks (危化品车辆定位): hazmat-vehicle GPS points, millions of rows a week."""

from sources.spec import Column, Kind, SourceSpec, coords

SPEC = SourceSpec(
    name="vehicle_tracks",
    label="危化品车辆定位",
    key=("plate", "ts"),
    lake_partition="year(ts) * 10000 + month(ts) * 100 + day(ts)",  # yyyymmdd
    columns=(
        Column("plate", "车牌号", Kind.PLATE, True, True, ("车牌", "车牌号码")),
        Column("ts", "定位时间", Kind.TIMESTAMP, True, True, ("GPS时间", "时间")),
        *coords(required=True),
        Column("speed_kmh", "速度", Kind.NUMBER, aliases=("GPS速度",), min_value=0, max_value=300),
        Column("heading_deg", "方向", Kind.NUMBER, min_value=0, max_value=360),
    ),
)
