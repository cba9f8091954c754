"""registry (市场主体登记): market-entity registrations from market supervision."""

from sources.spec import Column, Kind, SourceSpec, coords

SPEC = SourceSpec(
    name="registry",
    label="市场主体登记",
    key=("uscc",),
    columns=(
        Column("uscc", "统一社会信用代码", Kind.USCC, True, True, ("信用代码", "社会信用代码", "USCC")),
        Column("name", "企业名称", Kind.TEXT, True, True, ("名称", "主体名称", "市场主体名称")),
        Column("status", "登记状态", Kind.TEXT, True, True, ("经营状态", "企业状态")),
        Column("scope", "经营范围", Kind.TEXT, True),
        Column("address", "住所", Kind.TEXT, True, False, ("地址", "注册地址", "经营场所")),
        Column("industry_code", "行业代码", Kind.ID, aliases=("国民经济行业代码",)),
        Column("founded_on", "成立日期", Kind.DATE, aliases=("注册日期",)),
        Column("closed_on", "注销吊销日期", Kind.DATE, aliases=("注销日期", "吊销日期")),
        Column("legal_rep", "法定代表人", aliases=("负责人", "经营者")),
        Column("phone", "联系电话", Kind.ID, aliases=("电话",)),
        Column("township", "所属乡镇", aliases=("乡镇", "街道")),
        *coords(),
    ),
    derived=(
        # 吊销 before 注销: "吊销，未注销" is a revoked licence, not a cancellation. The words of
        # the national publicity system too: 责令关闭 is a closure by order (as 吊销), 撤销 an
        # annulled registration (as 注销), 清算 a firm being wound up (not operating normally),
        # "存续（在营、开业、在册）" one operating.
        ("status_class", "varchar", """case
            when status similar to '.*(吊销|责令关闭).*' then 'revoked'
            when status similar to '.*(注销|撤销).*' then 'cancelled'
            when status similar to '.*(停业|歇业|清算).*' then 'suspended'
            when status like '%迁出%' then 'moved'
            when status similar to '.*(存续|在业|开业|在营|正常|在册).*' then 'active' end"""),
    ),
    extra_checks=(
        ("status", "status_class is not null",
         "登记状态无法识别（应为 存续/在业/开业、停业/歇业/清算、吊销/责令关闭、注销/撤销、迁出 之一）"),
    ),
)
