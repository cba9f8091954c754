"""closed_sites (清单台账): the ledger of sites already dealt with, for the 回头看 re-check."""

from sources.spec import Column, Kind, SourceSpec, coords

SPEC = SourceSpec(
    name="closed_sites",
    label="清单台账",
    key=("name", "address"),
    columns=(
        Column("name", "名称", Kind.TEXT, True, True, ("单位名称", "场所名称")),
        Column("township", "所在乡镇", aliases=("所属乡镇", "乡镇")),
        Column("address", "地址", Kind.TEXT, True, True),
        Column("principal", "主要负责人", aliases=("负责人",)),
        Column("stage", "非法违法环节"),
        Column("violation", "具体非法违法行为"),
        Column("chemicals", "涉及品种数量"),
        Column("measures", "采取的措施"),
        Column("account_no", "户号", Kind.ID),
        Column("uscc", "统一社会信用代码", Kind.USCC),
        Column("closed_on", "关停日期", Kind.DATE),
        *coords(),
    ),
)
