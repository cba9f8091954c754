"""tips (群众举报): public tip-offs, from any office."""

from sources.spec import Column, Kind, SourceSpec, coords

SPEC = SourceSpec(
    name="tips",
    label="群众举报",
    key=("tip_no",),
    columns=(
        Column("tip_no", "举报编号", Kind.ID, True, True),
        Column("tipped_at", "举报时间", Kind.TIMESTAMP, True, True),
        Column("target", "被举报对象"),
        Column("address", "地址", Kind.TEXT, True),
        Column("content", "内容", Kind.TEXT, True, True),
        *coords(),
    ),
)
