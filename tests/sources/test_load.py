"""Loading files: aliases, checks with reasons, dedupe, replace by key, quarantine, accounting."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

REGISTRY = ("统一社会信用代码,企业名称,登记状态,经营范围,住所,成立日期\n"
            "91350100M000100Y43,甲化工有限公司,存续,化工产品销售,甲村,2021/3/4\n")


def test_every_row_is_loaded_or_rejected_with_a_reason(inbox):
    """Row 3: bad check digit (rejected); row 4: bad optional date (cleared, row loads);
    row 5: unknown status (rejected); row 6: empty name (rejected)."""
    from tests.sources.uscc import make_uscc

    a, b = make_uscc("91140828MA0K1234X"), make_uscc("91140828MA0K12340")
    path = inbox.drop("registry/r.csv", REGISTRY
                      + "91350100M000100Y44,乙公司,存续,,乙村,2021-01-01\n"
                      + f"{a},丙公司,存续,,丙村,2021-13-01\n"
                      + f"{b},丁公司,不知道,,丁村,\n"
                      + f"{b}, ,存续,,戊村,\n")
    report = inbox.load(path)
    assert (report.rows_read, report.loaded, report.rejected, report.values_cleared) == (5, 2, 3, 1)
    reasons = {(r[0], r[1]): (r[2], r[3]) for r in inbox.rejects()}
    assert reasons[(3, "统一社会信用代码")] == ("统一社会信用代码校验不通过（18位，校验位按 GB 32100 计算）", "拒收")
    assert reasons[(4, "成立日期")][1] == "置空"
    assert reasons[(5, "登记状态")][1] == "拒收"
    assert reasons[(6, "企业名称")] == ("必填值为空", "拒收")


def test_registration_statuses_as_the_publicity_system_words_them(inbox):
    """存续（在营、开业、在册） operates; 吊销，未注销 and 责令关闭 are closures by order; 撤销 is an
    annulled registration; 清算 a firm being wound up."""
    from tests.sources.uscc import make_uscc

    words = ["存续（在营、开业、在册）", "吊销，未注销", "责令关闭", "撤销", "清算", "在册"]
    codes = [make_uscc(f"91140828MA0K1234{k}") for k in range(len(words))]
    text = "统一社会信用代码,企业名称,登记状态,经营范围,住所\n" + "".join(
        f"{c},公司{k},{w},,村{k}\n" for k, (c, w) in enumerate(zip(codes, words, strict=True)))
    report = inbox.load(inbox.drop("registry/s.csv", text))
    assert (report.loaded, report.rejected) == (len(words), 0)
    got = dict(inbox.rows("select status, status_class from registry"))
    assert got == {"存续（在营、开业、在册）": "active", "吊销，未注销": "revoked", "责令关闭": "revoked",
                   "撤销": "cancelled", "清算": "suspended", "在册": "active"}


def test_uscc_check_digit_and_cleared_optional_value(inbox):
    """A valid code built per GB 32100 loads; its bad 成立日期 is cleared and listed."""
    from tests.sources.uscc import make_uscc

    code = make_uscc("91140828MA0K1234X")
    path = inbox.drop("registry/r.csv", REGISTRY + f"{code},乙公司,在业,,乙村,2021-13-01\n")
    report = inbox.load(path)
    assert (report.loaded, report.rejected, report.values_cleared) == (2, 0, 1)
    assert inbox.rows(f"select founded_on, status_class from registry where uscc = '{code}'") \
        == [(None, "active")]
    assert inbox.rejects() == [(3, "成立日期", "日期无法识别（应为 2021-03-04、2021/3/4、20210304 或 Excel 日期）", "置空")]


def test_aliases_fullwidth_headers_and_gbk(inbox):
    """用户编号/用户名称/地址/用电分类 are aliases; '户 名' style variants fold; GBK file."""
    text = ("用户编号,用户名称,地址,用电分类,接线方式,合同容量（kVA）\n"
            "00012,张三,上王村,居民生活用电,三相四线,\"1,250\"\n")
    report = inbox.load(inbox.drop("power_accounts/a.csv", text, "gbk"))
    assert report.status == "loaded", report.reason
    assert inbox.rows("select account_no, account_name, tariff_class, three_phase, contract_kva "
                      "from power_accounts") == [("00012", "张三", "居民生活用电", True, 1250.0)]


def test_same_content_under_another_name_changes_nothing(inbox):
    first = inbox.load(inbox.drop("registry/a.csv", REGISTRY))
    again = inbox.load(inbox.drop("registry/copy of a.csv", REGISTRY))
    assert first.loaded == 1
    assert again.status == "duplicate" and "registry/a.csv" in again.reason
    assert inbox.rows("select count(*) from registry") == [(1,)]


def test_overlapping_reexport_replaces_by_key(inbox):
    """Readings for 5-02 are exported again with a corrected value and a new day."""
    head = "户号,日期,总电量\n"
    inbox.load(inbox.drop("power_readings/w1.csv", head + "001,2024-05-01,10\n001,2024-05-02,11\n"))
    report = inbox.load(inbox.drop("power_readings/w2.csv", head + "001,2024-05-02,12\n001,2024-06-01,1\n"))
    assert (report.loaded, report.updated) == (2, 1)
    assert inbox.rows("select day::varchar, kwh_total from power_readings_daily order by day") == [
        ("2024-05-01", 10.0), ("2024-05-02", 12.0), ("2024-06-01", 1.0)]


def test_in_file_duplicates_are_reported_not_silently_dropped(inbox):
    """Rows 2 and 3 are the same point twice; rows 4 and 5 share (户号, 数据时间) but differ."""
    text = ("户号,数据时间,电量\n001,2024-05-01 00:15,1\n001,2024-05-01 00:15,1\n"
            "002,2024-05-01 00:15,1\n002,2024-05-01 00:15,2\n")
    report = inbox.load(inbox.drop("power_readings/i.csv", text))
    assert (report.rows_read, report.loaded, report.rejected) == (4, 2, 2)
    reasons = [r[2] for r in inbox.rejects()]
    assert "完全相同" in reasons[0] and "内容不同" in reasons[1]
    assert inbox.rows("select account_no, kwh from power_readings_interval order by 1") == [
        ("001", 1.0), ("002", 2.0)]


def test_two_forms_of_readings_share_one_folder(inbox):
    daily = inbox.load(inbox.drop("power_readings/d.csv", "户号,日期,日电量,谷电量\n001,20240501,5,2\n"))
    interval = inbox.load(inbox.drop("power_readings/i.csv", "户号,采集时间,有功电量\n001,2024/5/1 0:15,0.5\n"))
    assert (daily.source, interval.source) == ("power_readings_daily", "power_readings_interval")


def test_tracks_plates_coordinates_and_bad_points(inbox):
    """Plates with and without the dot are one truck; GCJ-02 points move to WGS-84 (~300–600 m
    in Shanxi); a point at (0, 0) and an unreadable plate are rejected."""
    text = ("车牌号,定位时间,经度,纬度,速度,坐标系\n"
            "晋M·A1234,2024-05-01 08:00:00,111.2,35.1,0,GCJ02\n"
            "晋MA1234,2024-05-01 08:00:30,111.2,35.1,0,WGS84\n"
            "晋MA1234,2024-05-01 08:01:00,0,0,0,\n"
            "A1234,2024-05-01 08:01:30,111.2,35.1,0,\n")
    report = inbox.load(inbox.drop("vehicle_tracks/t.csv", text))
    assert (report.loaded, report.rejected) == (2, 2)
    (moved,) = inbox.rows("select distance_m(min(lon), min(lat), max(lon), max(lat)) from vehicle_tracks")[0]
    assert 200 < moved < 800
    assert {r[1] for r in inbox.rejects()} == {"经度", "纬度", "车牌号"}


def test_parquet_typed_columns(inbox):
    path = inbox.root / "power_readings" / "p.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(pa.table({"户号": ["001", "002"], "日期": pa.array([19844, 19845], pa.date32()),
                             "总电量": [1.0, -2.0]}), path)
    report = inbox.load(path)
    assert (report.loaded, report.rejected) == (1, 1)
    assert inbox.rejects() == [(3, "总电量", "为负数", "拒收")]


def test_outcome_verdict_must_be_one_of_the_four(inbox):
    text = "线索编号,核查日期,核查结论,整治类别\nXHG-1,2024-05-01,属实,3\nXHG-2,2024-05-01,好像是,\n"
    report = inbox.load(inbox.drop("outcomes/o.csv", text))
    assert (report.loaded, report.rejected) == (1, 1)
    assert inbox.rejects()[0][2] == "应为 属实/不属实/已关停/无法核实 之一"


def test_missing_required_column_quarantines_with_reason_file(inbox):
    path = inbox.drop("registry/bad.csv", "企业名称,住所\n甲,乙\n")
    report = inbox.load(path)
    assert report.status == "quarantined"
    assert "统一社会信用代码" in report.reason
    assert not path.exists()
    moved = inbox.root / "_quarantine" / "registry" / "bad.csv"
    assert moved.exists()
    assert "缺少必需的列" in moved.with_name("bad.csv.原因.txt").read_text(encoding="utf-8")
    assert inbox.rows("select status from load_manifest") == [("quarantined",)]


def test_unlisted_columns_are_kept(inbox):
    inbox.load(inbox.drop("tips/t.csv", "举报编号,举报时间,地址,内容,来源渠道\nT1,2024-05-01,某村,夜里有异味,12345热线\n"))
    assert inbox.rows("select _extra->>'来源渠道' from tips") == [("12345热线",)]


def test_raw_file_archived_unchanged_under_its_hash(inbox):
    path = inbox.drop("registry/a.csv", REGISTRY)
    report = inbox.load(path)
    (archived,) = inbox.rows("select archived_as from load_manifest")[0]
    assert (inbox.wh.archive / archived).read_bytes() == path.read_bytes()
    assert report.sha256 in archived
