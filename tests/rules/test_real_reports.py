"""`gongkai check` on the seeds reports their real problems and nothing else; on the corpus, every broken
identity named in the labels and no other."""

from __future__ import annotations

import pytest
from tests.conftest import labels_in, shared_path

from gongkai.readers import read
from gongkai.rules import check

EXPECTED_SEEDS = {
    "000_c0feacdb1f874e9f.txt": [],
    "001_df1de46db5416daa.txt": [],
    "002_557b3571ae78e526.txt": [("GK511", ())],
    "003_c9419c5d055fd0e3.txt": [("GK301", ()), ("GK301", ())],
    "004_07ac6476bfab88c2.txt": [
        ("GK301", ()),
        (
            "GK201",
            (
                "t4.reconsideration.upheld",
                "t4.reconsideration.corrected",
                "t4.reconsideration.other",
                "t4.reconsideration.pending",
                "t4.reconsideration.total",
            ),
        ),
        ("GK302", ()),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED_SEEDS))
def test_seed_findings(name: str) -> None:
    findings = check(read(shared_path("seeds", name)))
    got = [(f.rule, f.cells) for f in findings if f.severity != "info"]
    assert got == EXPECTED_SEEDS[name]


def test_seed_003_template_findings_name_both_tables() -> None:
    messages = [f.message for f in check(read(shared_path("seeds", "003_c9419c5d055fd0e3.txt")))]
    assert any("表二" in m for m in messages) and any("表三" in m for m in messages)


CORPUS = [(p, lab) for p, lab in labels_in("corpus")]
BROKEN_IDENTITIES = {
    "002.pdf": {("GK104", "t4.reconsideration.total"), ("GK104", "t4.litigation_after_reconsideration.total")},
}


@pytest.mark.parametrize(("path", "label"), CORPUS, ids=[p.name for p, _ in CORPUS])
def test_corpus_broken_identities(path, label) -> None:  # type: ignore[no-untyped-def]
    findings = check(read(path))
    broken = {(f.rule, f.cells[0]) for f in findings if f.rule in ("GK101", "GK102", "GK103", "GK104")
              and f.severity == "error"}
    assert broken == BROKEN_IDENTITIES.get(path.name, set())
    named = [x for x in label["expected_findings"] if not x.startswith(("template", "blank"))]
    assert len(named) == len(BROKEN_IDENTITIES.get(path.name, set()))
