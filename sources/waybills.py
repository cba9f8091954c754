"""waybills (电子运单): hazmat electronic waybills from transport."""

from sources.spec import Column, Kind, SourceSpec, coords

SPEC = SourceSpec(
    name="waybills",
    label="电子运单",
    key=("waybill_no",),
    columns=(
        Column("waybill_no", "运单编号", Kind.ID, True, True),
        Column("plate", "车牌号", Kind.PLATE, True, True, ("车牌", "车牌号码")),
        Column("shipper", "托运人"),
        Column("consignee", "收货人", Kind.TEXT, True),
        Column("load_address", "装货地址"),
        Column("unload_address", "卸货地址", Kind.TEXT, True),
        Column("cargo", "货物名称", Kind.TEXT, True, True),
        Column("un_number", "UN编号", Kind.ID),
        Column("quantity", "数量"),
        Column("ship_date", "起运日期", Kind.DATE, True, True),
        *coords(prefix="load_", label_prefix="装货"),
        *coords(prefix="unload_", label_prefix="卸货"),
    ),
)
