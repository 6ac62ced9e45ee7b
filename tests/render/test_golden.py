"""Golden files: every format rendered from seed 002 (and from a 2019-template sample) matches the stored file.

DOCX and XLSX hold timestamps, so a normalised textual dump is compared instead of their bytes. To accept a
deliberate change, regenerate the files and review the diff:

    GONGKAI_UPDATE_GOLDEN=1 .venv/bin/pytest tests/render/test_golden.py
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.render.dumps import dump_docx, dump_xlsx
from tests.render.samples import sample_2019, seed_002

from gongkai.model.report import Report
from gongkai.render import RENDERERS, render

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("GONGKAI_UPDATE_GOLDEN") == "1"


def _text(data: bytes) -> str:
    return data.decode("utf-8")


def _json(data: bytes) -> str:
    """The model without provenance: positions belong to the reader (and change with it), not the renderer."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "provenance"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return json.dumps(strip(json.loads(data)), ensure_ascii=False, indent=1) + "\n"


DUMPS: dict[str, tuple[str, Callable[[bytes], str]]] = {
    "md": ("md", _text),
    "tsv": ("tsv.txt", _text),
    "wordlines": ("wordlines.txt", _text),
    "html": ("html", _text),
    "json": ("json", _json),
    "docx": ("docx.txt", dump_docx),
    "xlsx": ("xlsx.txt", dump_xlsx),
}
REPORTS: dict[str, Callable[[], Report]] = {"002": seed_002, "sample_2019": sample_2019}


def test_every_format_has_a_golden_file() -> None:
    # PDF is LibreOffice's rendering of the DOCX (whose golden is here): its bytes and layout depend on the
    # installed LibreOffice and fonts, so tests/render/test_artifacts.py checks it instead.
    assert set(DUMPS) == set(RENDERERS) - {"pdf"}


@pytest.mark.parametrize("name", sorted(REPORTS))
@pytest.mark.parametrize("fmt", sorted(DUMPS))
def test_golden(name: str, fmt: str) -> None:
    suffix, dump = DUMPS[fmt]
    got = dump(render(REPORTS[name](), fmt))
    path = GOLDEN / f"{name}.{suffix}"
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
    if not path.exists():
        raise FileNotFoundError(f"golden file missing: {path} (create it with GONGKAI_UPDATE_GOLDEN=1)")
    want = path.read_text(encoding="utf-8")
    assert got == want, f"{fmt} output differs from {path.name}; if intended, regenerate with GONGKAI_UPDATE_GOLDEN=1"
