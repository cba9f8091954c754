"""permits (危化品许可): hazardous-chemical permits from emergency management."""

from sources.spec import Column, Kind, SourceSpec, coords

SPEC = SourceSpec(
    name="permits",
    label="危化品许可",
    key=("permit_no",),
    columns=(
        Column("permit_no", "许可证编号", Kind.ID, True, True, ("证书编号",)),
        Column("holder_name", "单位名称", Kind.TEXT, True, True, ("企业名称",)),
        Column("uscc", "统一社会信用代码", Kind.USCC, aliases=("信用代码",)),
        Column("permit_type", "许可类别", Kind.TEXT, True, True, ("证书类型",)),
        Column("scope", "许可范围", aliases=("经营范围", "许可品种")),
        Column("valid_until", "有效期至", Kind.DATE, True, True, ("有效期截止",)),
        Column("address", "地址", aliases=("生产地址", "储存地址")),
        *coords(),
    ),
)
