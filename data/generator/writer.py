"""Writes the county's inbox per the data contract (Chinese headers, mixed formats).

xlsx through xlsxwriter with a fixed creation time so the same seed gives the same bytes;
a title row sits above the header in some sheets; big facts go to Parquet (and one CSV).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

from data.generator import mess
from data.generator.mess import BadRows

FIXED_TIME = datetime(2026, 1, 1)
SERIAL = re.compile(r"^\d{5}(\.0)?$")


def write_xlsx(df: pl.DataFrame, path: Path, title: str | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    wb.set_properties({"created": FIXED_TIME, "author": "xhg"})
    ws = wb.add_worksheet("Sheet1")
    datefmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    r0 = 0
    if title:
        ws.write_string(0, 0, title)
        r0 = 1
    for j, col in enumerate(df.columns):
        ws.write_string(r0, j, col)
    for i, row in enumerate(df.iter_rows(), start=r0 + 1):
        for j, v in enumerate(row):
            if v is None:
                continue
            if df.columns[j] in SERIAL_COLS and isinstance(v, str) and SERIAL.match(v):
                ws.write_number(i, j, float(v), datefmt)  # an Excel serial date
            elif isinstance(v, int | float) and not isinstance(v, bool):
                ws.write_number(i, j, v)
            else:
                ws.write_string(i, j, str(v))
    wb.close()


SERIAL_COLS = {"成立日期", "注册日期", "注销吊销日期", "有效期至", "立户日期", "关停日期", "起运日期"}


def write_csv(df: pl.DataFrame, path: Path, encoding: str = "utf-8-sig", sep: str = ",") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = df.write_csv(separator=sep)
    path.write_bytes(text.encode(encoding, errors="replace"))


def _rel(path: Path, out: Path) -> str:
    return path.relative_to(out).as_posix()


def registry(c, out: Path, bad: BadRows) -> dict:
    rng = c.rng
    reg = pl.DataFrame(c.registry, infer_schema_length=None)
    reg = reg.with_columns(pl.col("status").map_elements(
        lambda s: s if s != "存续" or rng.random() > .1 else "开业", return_dtype=pl.Utf8))
    ent = reg.filter(~pl.col("uscc").str.slice(0, 2).eq("92"))
    ind = reg.filter(pl.col("uscc").str.slice(0, 2).eq("92"))
    e = pl.DataFrame({
        "信用代码": ent["uscc"], "企业名称": ent["name"], "经营状态": ent["status"],
        "经营范围": ent["scope"], "住所": ent["address"], "国民经济行业代码": ent["industry_code"],
        "成立日期": mess.mixed_dates(ent["founded_on"].to_list(), rng, serial=True),
        "注销吊销日期": mess.mixed_dates(ent["closed_on"].to_list(), rng, serial=True),
        "法定代表人": ent["legal_rep"], "联系电话": ent["phone"], "所属乡镇": ent["township"],
        "经度": ent["lon"], "纬度": ent["lat"]}, strict=False)
    e = mess.crs_mix(e, rng, 1.0, 0.0)  # geocoded with AMap: GCJ-02
    i = pl.DataFrame({
        "统一社会信用代码": ind["uscc"], "名称": ind["name"], "登记状态": ind["status"],
        "经营范围": ind["scope"], "地址": ind["address"], "行业代码": ind["industry_code"],
        "注册日期": mess.mixed_dates(ind["founded_on"].to_list(), rng, ("slash", "compact")),
        "经营者": ind["legal_rep"], "乡镇": ind["township"]})
    pe = out / "inbox/registry/夏县市场主体登记信息_企业.xlsx"
    pi = out / "inbox/registry/个体工商户登记_导出.csv"
    for df, path, col in ((e, pe, "信用代码"), (i, pi, "统一社会信用代码")):
        keep = {u for s in c.sites + c.decoys for u in s["usccs"]}
        keep |= {p["uscc"] for p in c.permits}
        ok = [k for k, u in enumerate(df[col].to_list()) if u not in keep]
        for k in rng.choice(ok, 2, replace=False):
            codes = df[col].to_list()
            codes[k] = mess.break_uscc(codes[k])
            df.replace_column(df.columns.index(col), pl.Series(col, codes))
            bad.add(_rel(path, out), int(k), "统一社会信用代码", "校验位错误",
                    title_rows=1 if path.suffix == ".xlsx" else 0)
        if path.suffix == ".xlsx":
            write_xlsx(df, path, "夏县市场主体登记信息（导出）")
        else:
            write_csv(df, path, "gbk")
    return {"registry": reg.height}


def permits(c, out: Path) -> dict:
    rng = c.rng
    p = pl.DataFrame(c.permits, infer_schema_length=None)
    df = pl.DataFrame({
        "证书编号": p["permit_no"], "单位名称": p["holder_name"], "统一社会信用代码": p["uscc"],
        "许可类别": p["permit_type"], "许可范围": p["scope"],
        "有效期至": mess.mixed_dates(p["valid_until"].to_list(), rng, serial=True),
        "地址": p["address"], "经度": p["lon"], "纬度": p["lat"], "坐标系": "WGS84"}, strict=False)
    write_xlsx(df, out / "inbox/permits/危险化学品许可证台账.xlsx", "夏县危险化学品安全许可发证信息")
    return {"permits": p.height}


URBAN = ("瑶峰镇", "禹王镇", "尉郭乡")


def power_accounts(c, acc: pl.DataFrame, out: Path) -> dict:
    rng = c.rng
    three = acc["three_phase"].to_numpy()
    base = pl.DataFrame({
        "户号": acc["account_no"], "户名": acc["account_name"], "用电地址": acc["address"],
        "用电类别": acc["tariff_class"], "统一社会信用代码": acc["uscc"],
        "合同容量": acc["contract_kva"], "电压等级": acc["voltage"],
        "动力电": np.where(three, "是", "否"),
        "立户日期": mess.mixed_dates(acc["opened_on"].to_list(), rng, ("iso",)),
        "销户日期": mess.mixed_dates(acc["closed_on"].to_list(), rng, ("iso",)),
        "台区": acc["transformer_area"], "所属乡镇": acc["township"], "经度": acc["lon"],
        "纬度": acc["lat"]}, strict=False)
    urban = acc["township"].is_in(list(URBAN))
    a = mess.crs_mix(base.filter(urban), rng, 0.7, 0.0).rename(
        {"户号": "用户编号", "户名": "用户名称"})
    b = mess.crs_mix(base.filter(~urban), rng, 0.1, 0.4).with_columns(
        pl.when(pl.col("动力电") == "是").then(pl.lit("三相四线")).otherwise(pl.lit("单相"))
        .alias("动力电")).rename({"动力电": "接线方式", "所属乡镇": "供电所"})
    write_csv(a, out / "inbox/power_accounts/城区供电所_用户档案.csv", "gbk")
    write_xlsx(b, out / "inbox/power_accounts/农村供电所_电力用户档案.xlsx")
    return {"power_accounts": acc.height}


def tips(c, out: Path, as_of: date) -> dict:
    rng = c.rng
    rows = []
    for k, t in enumerate(sorted(c.tips, key=lambda t: t["day"])):
        ts = datetime.combine(c.date_at(t["day"]), datetime.min.time())
        ts = ts.replace(hour=int(rng.integers(7, 23)), minute=int(rng.integers(60)))
        t["tip_no"] = f"JB{as_of.year}{k + 1:04d}"
        rows.append({"举报编号": t["tip_no"], "举报时间": f"{ts:%Y-%m-%d %H:%M}",
                     "被举报对象": t["target"], "地址": t["address"], "内容": t["content"]})
    write_xlsx(pl.DataFrame(rows), out / "inbox/tips/群众举报登记.xlsx")
    return {"tips": len(rows)}


def closed_sites(c, out: Path) -> dict:
    rng = c.rng
    cl = pl.DataFrame(c.closed, infer_schema_length=None)
    df = pl.DataFrame({
        "名称": cl["name"], "所在乡镇": cl["township"], "地址": cl["address"],
        "主要负责人": cl["principal"], "非法违法环节": cl["stage"],
        "具体非法违法行为": cl["violation"], "涉及品种数量": cl["chemicals"],
        "采取的措施": cl["measures"], "户号": cl["account_no"], "统一社会信用代码": cl["uscc"],
        "关停日期": mess.mixed_dates(cl["closed_on"].to_list(), rng, serial=True),
        "经度": cl["lon"], "纬度": cl["lat"], "坐标系": "WGS84"}, strict=False)
    write_xlsx(df, out / "inbox/closed_sites/非法违法小化工清单台账.xlsx",
               "非法违法“小化工”清单台账（回头看）")
    return {"closed_sites": cl.height}


def waybills(c, wb: pl.DataFrame, out: Path) -> dict:
    rng = c.rng
    if wb.height == 0:
        return {"waybills": 0}
    wb = wb.with_columns(mess.dotted(wb["车牌号"], rng, .6), pl.Series(
        "起运日期", mess.mixed_dates(wb["起运日期"].to_list(), rng, serial=True), strict=False))
    write_xlsx(wb, out / "inbox/waybills/危险货物电子运单.xlsx", "危险货物道路运输电子运单（夏县）")
    return {"waybills": wb.height}


def tracks(c, pts: pl.DataFrame, out: Path) -> dict:
    rng = c.rng
    n_clean = pts.unique(["车牌号", "定位时间"]).height
    pts = mess.gps_mess(pts, rng)
    c.gps_duplicates = pts.height - n_clean
    plates = pts["车牌号"].unique().sort()
    odd = plates.filter(pl.Series(rng.random(len(plates)) < .2))
    csv_part = pts.filter(pl.col("车牌号").is_in(odd.implode()))
    pq_part = pts.filter(~pl.col("车牌号").is_in(odd.implode()))
    d0, d1 = pts["定位时间"].min(), pts["定位时间"].max()
    pq = out / f"inbox/vehicle_tracks/危化品车辆定位_{d0:%Y%m%d}_{d1:%Y%m%d}.parquet"
    pq.parent.mkdir(parents=True, exist_ok=True)
    pq_part.with_columns(坐标系=pl.lit("WGS84")).write_parquet(pq)
    csv_part = csv_part.with_columns(
        mess.dotted(csv_part["车牌号"], rng, 1.0),
        pl.col("定位时间").dt.strftime("%Y/%m/%d %H:%M:%S")).rename(
        {"车牌号": "车牌号码", "定位时间": "GPS时间", "速度": "GPS速度"})
    write_csv(csv_part, out / "inbox/vehicle_tracks/第三方平台_定位导出.csv", "utf-8", "\t")
    return {"vehicle_tracks": pts.height}
