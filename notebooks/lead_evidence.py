# %% [markdown]
# # 一条线索的全部证据（分析人员用）
#
# 以只读方式打开数据仓库，查看一条线索（或一个场所）：它由哪些记录组成、每条记录因何合并、
# 各检测器看到了什么。可在 Jupyter（jupytext 百分号格式）中逐格运行，也可直接运行：
#
#     .venv/bin/python notebooks/lead_evidence.py --warehouse data/warehouse.duckdb XHG-000001

# %%
from __future__ import annotations

import argparse
import json
from pathlib import Path

from sources.warehouse import Warehouse


def show(warehouse: Path, lead_or_site: str) -> dict:
    con = Warehouse(warehouse).connect(read_only=True)
    site = con.execute("""
        select s.* from sites s
        where s.site_id = $k or s.site_id = (select site_id from lead_book where lead_no = $k)""",
                       {"k": lead_or_site}).fetchone()
    if site is None:
        raise SystemExit(f"找不到线索或场所 {lead_or_site}")
    cols = [d[0] for d in con.description]
    site = dict(zip(cols, site, strict=True))
    print(f"场所 {site['site_id']}：{site['name']}｜{site['township']}｜{site['address']}"
          f"（{site['lon']:.5f}, {site['lat']:.5f}）")

    # %% 组成这处场所的记录，以及合并的规则和把握
    members = con.execute("""select member_kind, member_key, member_name, rule, score, linked_to
        from site_members where site_id = $s order by rule = 'anchor' desc, member_kind, member_key""",
                          {"s": site["site_id"]}).fetchall()
    print("\n组成记录（类型｜编号｜名称｜合并规则｜把握｜关联到）：")
    for m in members:
        print("  " + "｜".join("" if v is None else str(v) for v in m))

    # %% 各检测器的证据
    evidence = con.execute("""select detector, round(score, 2), category_hint, reason, facts
        from evidence where site_id = $s order by score desc""", {"s": site["site_id"]}).fetchall()
    print("\n证据：")
    for detector, score, hint, reason, facts in evidence:
        print(f"  [{detector} {score}{' 类别' + hint if hint else ''}] {reason}")
        print(f"      数字：{json.dumps(json.loads(facts), ensure_ascii=False)[:300]}")
    con.close()
    return {"site": site, "members": members, "evidence": evidence}


# %%
if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="查看一条线索的全部证据")
    ap.add_argument("lead", help="线索编号（XHG-…）或场所编号（S…）")
    ap.add_argument("--warehouse", default="data/warehouse.duckdb")
    args = ap.parse_args()
    show(Path(args.warehouse), args.lead)
