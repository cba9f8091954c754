"""The demo-county generator: contract headers, truth, determinism, USCC check digits.

Two small counties (seeds 0 and 1) are generated once per module into a temp folder; seed 0
is generated twice to prove that the same seed gives byte-identical files.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import polars as pl
import pytest
from python_calamine import CalamineWorkbook

import sources
from data.generator import generate
from data.generator.texts import uscc_check

FOLDERS = ["registry", "permits", "power_accounts", "power_readings", "vehicle_tracks",
           "waybills", "tips", "closed_sites"]


@pytest.fixture(scope="module")
def counties(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("gen")
    out = {}
    for name, seed in (("a", 0), ("b", 1), ("a2", 0)):
        generate(base / name, "small", seed, progress=lambda _: None)
        out[name] = base / name
    return out


def read_any(path: Path) -> pl.DataFrame:
    """All cells as text; an xlsx header is the first row whose cells are all filled."""
    if path.suffix == ".parquet":
        return pl.read_parquet(path)
    if path.suffix == ".csv":
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig") if raw[:3] == b"\xef\xbb\xbf" else _decode(raw)
        sep = "\t" if "\t" in text.splitlines()[0] else ","
        return pl.read_csv(io.StringIO(text), separator=sep, infer_schema=False)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    h = next(i for i, r in enumerate(rows) if all(str(c).strip() for c in r))
    header = [str(c) for c in rows[h]]
    return pl.DataFrame([[None if c == "" else str(c) for c in r] for r in rows[h + 1:]],
                        schema=header, orient="row")


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gbk")


def files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "inbox").rglob("*") if p.is_file())


def test_every_file_has_the_required_headers(counties):
    root = counties["a"]
    seen = set()
    for path in files(root):
        folder = path.parent.name
        cols = (set(pl.read_parquet_schema(path)) if path.suffix == ".parquet"
                else set(read_any(path).columns))
        specs = sources.specs_for_folder(folder)
        matched = [s for s in specs if all(set(c.headers) & cols for c in s.required)]
        assert matched, f"{path.name}: no spec of {folder} matches headers {sorted(cols)}"
        seen.add(folder)
    assert seen == set(FOLDERS) - {"outcomes"}


def test_truth_has_every_category_and_relit(counties):
    truth = json.loads((counties["b"] / "truth.json").read_text("utf-8"))
    cats = {s["category"] for s in truth["planted"]}
    assert cats == {1, 2, 3, 4, 5, 6}
    assert any(s["relit"] for s in truth["planted"])
    assert truth["decoys"] and all(d["kind"] for d in truth["decoys"])
    assert "truth.json" not in {p.name for p in files(counties["b"])}


def test_truth_ids_exist_in_the_drops(counties):
    root = counties["a"]
    truth = json.loads((root / "truth.json").read_text("utf-8"))
    frames = {p: read_any(p) for p in files(root) if p.suffix != ".parquet"
              or "车辆" in p.name}
    accounts = set().union(*(set(df[c].to_list()) for df in frames.values()
                             for c in ("户号", "用户编号") if c in df.columns))
    usccs = set().union(*(set(df[c].to_list()) for df in frames.values()
                          for c in ("统一社会信用代码", "信用代码") if c in df.columns))
    plates = set().union(*(set(df[c].str.replace("·", "").to_list()) for df in frames.values()
                           for c in ("车牌号", "车牌号码") if c in df.columns))
    for s in truth["planted"] + truth["decoys"]:
        assert set(s["account_nos"]) <= accounts, s["id"]
        assert set(s["usccs"]) <= usccs, s["id"]
        assert set(s["plates"]) <= plates, s["id"]


def test_same_seed_same_bytes(counties):
    def digest(root: Path) -> dict[str, str]:
        return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}
    assert digest(counties["a"]) == digest(counties["a2"])
    assert digest(counties["a"]) != digest(counties["b"])


def test_usccs_valid_except_listed_bad_rows(counties):
    root = counties["a"]
    truth = json.loads((root / "truth.json").read_text("utf-8"))
    listed = {(b["file"], b["row"]) for b in truth["bad_rows"]
              if b["column"] == "统一社会信用代码"}
    assert listed
    broken = set()
    for path in (root / "inbox/registry").iterdir():
        df = read_any(path)
        col = "统一社会信用代码" if "统一社会信用代码" in df.columns else "信用代码"
        for i, code in enumerate(df[col].to_list()):
            if code and code[-1] != uscc_check(code[:17]):
                broken.add((path.relative_to(root).as_posix(), i + 2))
    assert broken == listed


def test_bad_reading_rows_are_listed(counties):
    root = counties["a"]
    truth = json.loads((root / "truth.json").read_text("utf-8"))
    rows = [b for b in truth["bad_rows"] if "power_readings" in b["file"]]
    assert {b["why"] for b in rows} >= {"日期无法解析", "电量为负"}
    for b in rows:
        df = read_any(root / b["file"])
        row = df.row(b["row"] - 2, named=True)
        value = row["日期"] if b["column"] == "日期" else row["日电量"]
        if b["column"] == "日期":
            assert value is None or not value.isdigit()
        else:
            assert float(value) < 0 or float(value) > 5_000_000


def test_trucks_never_in_two_places_at_once(counties):
    """Each truck's fixes, in time order, never move faster than a truck can (150 km/h) and
    never give one second two positions (the deliberate duplicates are exact copies). A night
    trip ending after midnight used to overlap the next day's track, and a loading stop's end
    was drawn twice (1,351 such jumps in small seed 0; ~200 same-second pairs a province block)."""
    path = next((counties["a"] / "inbox/vehicle_tracks").glob("*.parquet"))
    df = (pl.read_parquet(path).with_columns(pl.col("车牌号").str.replace("·", ""))
          .unique().sort("车牌号", "定位时间")
          .with_columns(dt=pl.col("定位时间").diff().dt.total_seconds().over("车牌号"),
                        dx=(((pl.col("经度").diff() * 91_000) ** 2
                             + (pl.col("纬度").diff() * 111_000) ** 2).sqrt()).over("车牌号")))
    assert df.filter(pl.col("dt") == 0).height == 0
    assert df.filter(pl.col("dx") > pl.col("dt") * 150 / 3.6 + 50).height == 0


def test_the_generated_county_ingests_but_for_its_deliberate_mess(demo_county):
    """Ingested, the small county rejects exactly the rows its truth lists as made bad (by
    file and row as the sheet shows it) and exact repeats of GPS fixes (the mess duplicates
    ~0.5 % of fixes); nothing else."""
    truth, wh = demo_county
    con = wh.connect(read_only=True)
    rejected = con.execute("select file, row_no, reason from load_rejects").fetchall()
    con.close()
    listed = {(b["file"].removeprefix("inbox/"), b["sheet_row"]) for b in truth["bad_rows"]}
    repeats = [r for r in rejected if r[0].startswith("vehicle_tracks/") and "完全相同" in r[2]]
    others = {(f, row) for f, row, _ in rejected} - {(f, row) for f, row, _ in repeats}
    assert others == listed
    assert repeats  # the mess's duplicated fixes are found, and kept once
