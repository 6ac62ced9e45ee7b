"""The oversight tests use the storage fixtures (SQLite and PostgreSQL, a fresh database per test) and a folder of
synthetic reports made once per session from the seeds and the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import shared_path
from tests.store.conftest import (  # noqa: F401  (fixtures)
    agencies,
    backend,
    engine,
    factory,
    protector,
    sqlite_template,
)

from gongkai.model.report import Report
from gongkai.oversight.synth import base_reports, write_reports

SYNTH_COUNT = 40
CORPUS_FILES = ("004.md", "006.txt", "007.txt", "009.txt", "010.txt", "011.txt", "014.html", "016.txt",
                "019.docx", "019.html")


def corpus_files() -> list[Path]:
    return [shared_path("corpus", name) for name in CORPUS_FILES]


@pytest.fixture(scope="session")
def bases() -> list[Report]:
    seeds = sorted(shared_path("seeds").glob("*.txt"))
    return base_reports([*seeds, *corpus_files()])


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory: pytest.TempPathFactory, bases: list[Report]) -> Path:
    out = tmp_path_factory.mktemp("synth")
    write_reports(out, SYNTH_COUNT, bases, seed=7)
    return out
