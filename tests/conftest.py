"""Shared fixtures: Prefect settings for a server-less run, and a tiny-inbox helper."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines import settings

settings.apply()


class Inbox:
    """A temporary inbox with its own warehouse; `drop` writes a file, `load` ingests it."""

    def __init__(self, root: Path):
        from sources.warehouse import Warehouse

        self.root = root / "inbox"
        self.root.mkdir()
        self.wh = Warehouse(root / "wh" / "warehouse.duckdb")
        self.con = self.wh.connect()

    def drop(self, rel: str, text: str | bytes = b"", encoding: str = "utf-8") -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, str):
            path.write_bytes(text.encode(encoding))
        else:
            path.write_bytes(text)
        return path

    def load(self, path: Path):
        from sources.load import ingest_file

        return ingest_file(self.wh, self.con, path, self.root)

    def rows(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def rejects(self) -> list[tuple]:
        return self.rows("select row_no, column_name, reason, action from load_rejects "
                         "order by load_id, row_no, column_name")


@pytest.fixture
def inbox(tmp_path: Path):
    box = Inbox(tmp_path)
    yield box
    box.con.close()


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for the session (~12 s), as deps-notes advises."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(scope="session")
def demo_county(tmp_path_factory):
    """A small generated county, ingested once per test session: (truth dict, Warehouse)."""
    import json
    import shutil

    from data.generator import generate
    from pipelines.ingest import list_new_files
    from sources.load import ingest_file
    from sources.warehouse import Warehouse

    root = tmp_path_factory.mktemp("demo_county")
    generate(root, scale="small", seed=5, progress=lambda _: None)
    wh = Warehouse(root / "warehouse.duckdb")
    con = wh.connect()
    inbox = root / "inbox"
    files, _ = list_new_files(inbox, set())
    for path in files:
        ingest_file(wh, con, path, inbox)
    con.close()
    pristine = root / "pristine"  # as ingested, before any test builds sites or screens
    pristine.mkdir()
    shutil.copyfile(wh.path, pristine / wh.path.name)
    shutil.copytree(wh.lake, pristine / wh.lake.name)
    return json.loads((root / "truth.json").read_text(encoding="utf-8")), wh


def copy_county(demo_county, where: Path):
    """A private copy (warehouse file and lake) of the demo county as ingested, in `where`."""
    import shutil

    from sources.warehouse import Warehouse

    _, wh = demo_county
    pristine = wh.path.parent / "pristine"
    copy = Warehouse(where / "warehouse.duckdb")
    copy.path.parent.mkdir(parents=True)
    shutil.copyfile(pristine / wh.path.name, copy.path)
    shutil.copytree(pristine / wh.lake.name, copy.lake)
    return copy


@pytest.fixture
def county_copy(demo_county, tmp_path):
    """A private copy of the demo county as ingested, for tests that screen (they write leads)."""
    return demo_county[0], copy_county(demo_county, tmp_path / "copy")
