"""The ingest flow end to end, through the command line, on a real (temporary) Prefect."""

from __future__ import annotations

import json

from pipelines.cli import main


def test_ingest_cli_json_then_rerun(prefect_harness, tmp_path, capsys):
    """--json prints one object per file; a second run finds nothing new; exit 0 though a
    file was quarantined."""
    inbox = tmp_path / "inbox"
    (inbox / "registry").mkdir(parents=True)
    (inbox / "tips").mkdir()
    (inbox / "registry" / "r.csv").write_text(
        "统一社会信用代码,企业名称,登记状态,经营范围,住所\n91350100M000100Y43,甲化工有限公司,存续,,甲村\n",
        encoding="utf-8")
    (inbox / "tips" / "t.csv").write_text("举报编号,地址\nT1,某村\n", encoding="utf-8")
    wh = str(tmp_path / "wh.duckdb")
    out = str(tmp_path / "out")
    assert main(["ingest", str(inbox), "--json", "--warehouse", wh, "--out", out]) == 0
    reports = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {r["file"]: r["status"] for r in reports} == {"registry/r.csv": "loaded", "tips/t.csv": "quarantined"}
    assert set(reports[0]) >= {"file", "source", "sha256", "rows_read", "loaded", "updated", "rejected",
                               "status", "reason"}
    assert main(["ingest", str(inbox), "--warehouse", wh, "--out", out]) == 0
    assert "没有新文件" in capsys.readouterr().out
