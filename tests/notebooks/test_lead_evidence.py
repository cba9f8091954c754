"""The analyst's notebook runs against a screened county and shows a lead's members and evidence."""

from __future__ import annotations

import datetime as dt
import runpy
import subprocess
import sys
from pathlib import Path

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "lead_evidence.py"


def test_notebook_shows_the_top_lead(prefect_harness, county_copy, tmp_path):
    from pipelines.screen import screen_flow

    _, wh = county_copy
    result = screen_flow(str(wh.path), dt.date(2026, 11, 30), str(tmp_path))
    lead_no = result["top"][0]["线索编号"]
    out = subprocess.run([sys.executable, str(NOTEBOOK), lead_no, "--warehouse", str(wh.path)],
                         capture_output=True, text=True, check=True).stdout
    assert "组成记录" in out and "证据" in out and "anchor" in out
    shown = runpy.run_path(str(NOTEBOOK))["show"](wh.path, lead_no)
    assert shown["evidence"], "the top lead has evidence"
