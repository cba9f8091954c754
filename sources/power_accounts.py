"""power_accounts (电力用户档案): the power company's customer archive, incl. 动力电 users."""

from sources.spec import Column, Kind, SourceSpec, coords

SPEC = SourceSpec(
    name="power_accounts",
    label="电力用户档案",
    key=("account_no",),
    columns=(
        Column("account_no", "户号", Kind.ID, True, True,
               ("用户编号", "客户编号", "户号/用户号", "用户号")),
        Column("account_name", "户名", Kind.TEXT, True, True, ("用户名称", "客户名称")),
        Column("address", "用电地址", Kind.TEXT, True, False, ("地址",)),
        Column("tariff_class", "用电类别", Kind.TEXT, True, True, ("用电分类",)),
        Column("uscc", "统一社会信用代码", Kind.USCC, aliases=("信用代码",)),
        Column("contract_kva", "合同容量", Kind.NUMBER, aliases=("运行容量", "合同容量(kVA)"),
               min_value=0, max_value=1_000_000),
        Column("voltage", "电压等级"),
        Column("three_phase", "动力电", Kind.BOOL, aliases=("是否动力电", "接线方式")),
        Column("opened_on", "立户日期", Kind.DATE, aliases=("开户日期",)),
        Column("closed_on", "销户日期", Kind.DATE),
        Column("transformer_area", "台区", aliases=("台区编号", "台区名称")),
        Column("township", "所属乡镇", aliases=("供电所",)),
        *coords(),
    ),
)
