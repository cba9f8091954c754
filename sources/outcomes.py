"""outcomes (核查结果): the lead list returned by inspectors with their verdicts."""

from sources.spec import Column, Kind, SourceSpec

VERDICTS = ("属实", "不属实", "已关停", "无法核实")
MEASURES = ("责令停产整顿", "关闭取缔", "拆除装置", "立案查处", "移送司法", "其他")

SPEC = SourceSpec(
    name="outcomes",
    label="核查结果",
    key=("lead_no", "checked_on"),
    columns=(
        Column("lead_no", "线索编号", Kind.ID, True, True),
        Column("checked_on", "核查日期", Kind.DATE, True, True),
        Column("verdict", "核查结论", Kind.TEXT, True, True, choices=VERDICTS),
        Column("category", "整治类别", Kind.NUMBER, min_value=1, max_value=6),
        Column("measure", "处置措施"),
        Column("illegal_gains_wan", "没收违法所得(万元)", Kind.NUMBER, aliases=("没收违法所得",),
               min_value=0),
        Column("fine_wan", "罚款(万元)", Kind.NUMBER, aliases=("罚款",), min_value=0),
        Column("inspectors", "核查人员"),
        Column("note", "备注"),
    ),
    extra_checks=(
        ("category", "category is null or category = floor(category)", "整治类别应为 1–6 的整数"),
    ),
)
