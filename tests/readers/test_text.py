"""The seeds and the text corpus read back exactly against their labels."""

from __future__ import annotations

from typing import Any

import pytest
from tests.conftest import labels_in

from gongkai.export import cells_record
from gongkai.readers import read
from gongkai.readers.text import read_text_document

SEEDS = labels_in("seeds")


def _same(got: Any, want: Any) -> bool:
    if got is None or want is None:
        return got is None and want is None
    return bool(abs(got - want) <= 1e-6)


@pytest.mark.parametrize(("path", "label"), SEEDS, ids=[p.name for p, _ in SEEDS])
def test_seed_is_read_exactly(path: Any, label: dict[str, Any]) -> None:
    record = cells_record(read(path))
    want = label["cells"]
    assert set(record["cells"]) == set(want)
    wrong = {k: (record["cells"][k], v) for k, v in want.items() if not _same(record["cells"][k], v)}
    assert wrong == {}
    meta = record["meta"]
    assert meta["year"] == label["meta"]["year"]
    assert meta["t2_template"] == label["meta"]["t2_template"]
    assert meta["t3_template"] == label["meta"]["t3_template"]
    assert label["meta"]["agency"] in meta["agency"]
    assert record["uncertain"] == []


def test_word_lines_join_a_wrapped_cell() -> None:
    text = "标题\n\n" + "\n".join(f"\t第{i}格" for i in range(12)) + "\n\t商业\n企业\n\t0\n"
    doc = read_text_document(text, "x.txt")
    grid = doc.grids[0]
    assert [c.text for c in grid.rows[0]][-2:] == ["商业企业", "0"]
    assert doc.reader == "text:word-lines"


def test_tab_separated_keeps_empty_cells_in_place() -> None:
    doc = read_text_document("a\tb\n\t\t\t1\t2\n", "x.txt")
    assert [c.text for c in doc.grids[0].rows[1]] == ["", "", "", "1", "2"]
