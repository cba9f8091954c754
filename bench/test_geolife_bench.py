"""bench/geolife_agreement.py as a bench test: our stays against trackintel on GeoLife.

Run: `.venv/bin/pytest -m bench -p no:cacheprovider -o addopts='' -s bench/test_geolife_bench.py`
(or `make bench`). Needs GeoLife .plt files under data/work/geolife/ (not in the repository;
where to fetch them: bench/geolife_agreement.py); skipped without them.
"""

from __future__ import annotations

import pytest

from bench.geolife_agreement import DEFAULT_FOLDER, main, plt_files

pytestmark = pytest.mark.bench


def test_geolife_agreement():
    pytest.importorskip("trackintel")
    if not plt_files(DEFAULT_FOLDER):
        pytest.skip(f"no GeoLife .plt files under {DEFAULT_FOLDER}: fetch them first "
                    "(see bench/geolife_agreement.py); they are not in the repository")
    rows = main([str(DEFAULT_FOLDER)])
    assert len(rows) == 4
    for _name, _params, r in rows:
        assert 0 <= r["theirs_matched"] <= 1 and 0 <= r["ours_matched"] <= 1
