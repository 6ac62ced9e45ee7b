"""``gongkai.readers.pdfsafe``: the bounded decoders give pdfminer's bytes, the linear-time replacements give
pdfminer's tokens and layouts, and the work budget refuses what is out of proportion to the file while the
corpus reports read well inside it. (The hostile files themselves are read in the fuzz sandbox:
tests/fuzz/test_hostile_pdf.py.)"""

from __future__ import annotations

import importlib
import importlib.util
import io
import random
from pathlib import Path
from types import ModuleType

import pytest
from pdfminer.lzw import lzwdecode
from pdfminer.runlength import rldecode
from tests.fuzz import hostile_pdfs as bombs

from gongkai.errors import HostileInput
from gongkai.readers import pdfsafe
from gongkai.readers.limits import ReadLimits
from gongkai.readers.pdf import read_pdf_document
from gongkai.readers.pdf_layout import dedupe_chars

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
LIMIT = 64 << 20


def corpus(name: str) -> bytes:
    path = SHARED / "corpus" / name
    if not path.exists():
        raise FileNotFoundError(f"ground truth missing: {path}")
    return path.read_bytes()


# ---------------------------------------------------------------------------------------------------------
# Decoders
# ---------------------------------------------------------------------------------------------------------

SAMPLES = [
    b"",
    b"a",
    b"abababababababab",
    bytes(range(256)) * 40,
    b"\x81\x00" * 20_000,
    random.Random(6).randbytes(30_000),
    random.Random(7).randbytes(300) * 200,
]


@pytest.mark.parametrize("sample", SAMPLES, ids=range(len(SAMPLES)))
def test_lzw_decode_gives_pdfminers_bytes(sample: bytes) -> None:
    codes = bombs.lzw_encode(sample)
    assert pdfsafe.lzw_decode(codes, LIMIT) == lzwdecode(codes) == sample
    tail = codes[: len(codes) // 2]  # cut off mid-code: both stop at the last whole code
    assert pdfsafe.lzw_decode(tail, LIMIT) == lzwdecode(tail)


def test_lzw_decode_stops_at_its_limit_and_keeps_a_small_table() -> None:
    bomb = bombs.lzw_bomb_codes(2000)  # 8 KB of codes, 15 MB of zeros
    assert pdfsafe.lzw_decode(bomb, LIMIT) == lzwdecode(bomb)
    with pytest.raises(pdfsafe._StreamTooLarge):
        pdfsafe.lzw_decode(bomb, 1 << 20)


@pytest.mark.parametrize(
    "runs",
    [
        b"",
        b"\x80",
        b"\x00a\xffb\x80",
        b"\x02abc\xfdz" * 1000,
        b"\x81\x00" * 1000 + b"\x80trailing",
        b"\x7f" + b"x" * 128,
    ],
)
def test_runlength_decode_gives_pdfminers_bytes(runs: bytes) -> None:
    assert pdfsafe.runlength_decode(runs, LIMIT) == rldecode(runs)


def test_runlength_decode_stops_at_its_limit() -> None:
    with pytest.raises(pdfsafe._StreamTooLarge):
        pdfsafe.runlength_decode(b"\x81\x00" * 10_000, 1_000_000)


def test_corrupt_flate_inflater_stops_at_its_limit() -> None:
    import zlib

    broken = zlib.compress(b"\0" * 2_000_000)
    broken = broken[:-4] + b"\0\0\0\0"
    assert len(pdfsafe.decompress_corrupted(broken)) == 2_000_000
    with pytest.raises(OverflowError):
        pdfsafe.decompress_corrupted(broken, 100_000)


# ---------------------------------------------------------------------------------------------------------
# The tokenizer
# ---------------------------------------------------------------------------------------------------------


def pristine(name: str) -> ModuleType:
    """A fresh copy of a pdfminer module, without what ``pdfsafe.install`` replaced in the loaded one."""
    module = importlib.import_module(name)
    spec = importlib.util.spec_from_file_location(f"pristine_{name}", module.__file__)
    assert spec is not None and spec.loader is not None
    copy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(copy)
    return copy


def tokens(parser_class: type, data: bytes) -> list[object]:
    """The tokens a parser class reads from ``data``, names and keywords as text (each copy of pdfminer's
    module has its own symbol table)."""
    parser = parser_class(io.BytesIO(data))
    out: list[object] = []
    while True:
        try:
            token = parser.nexttoken()[1]
        except Exception:  # PSEOF, of whichever copy
            return out
        name = getattr(token, "name", None)
        out.append((type(token).__name__, name) if name is not None else token)


def same_tokens(data: bytes) -> list[object]:
    from pdfminer.psparser import PSBaseParser

    pdfsafe.install()
    ours = tokens(PSBaseParser, data)
    assert ours == tokens(pristine("pdfminer.psparser").PSBaseParser, data)
    return ours


STRINGS = [
    b"(plain) (a\\101\\(b\\)c (nested) \\\r\nend\\n) (\\0053) /A#41#42 /Na#6De /#E4#B8#AD <41 42> () ",
    b"(" + b"\\101" * 3000 + b"(x)" * 2000 + b") ",
    b"(" + b"x\\(" * 5000 + b")  /" + b"#41" * 3000 + b" ",
    b"(open ( (paren) ) ) /#4 /#zz /a#2 (\\8\\777) ",
]


@pytest.mark.parametrize("data", STRINGS, ids=range(len(STRINGS)))
def test_strings_and_names_read_as_pdfminer_reads_them(data: bytes) -> None:
    assert same_tokens(data)


def test_strings_and_names_decode_escapes() -> None:
    assert same_tokens(STRINGS[0]) == [
        b"plain",
        b"aA(b)c (nested) end\n",
        b"\x053",
        ("PSLiteral", "AAB"),
        ("PSLiteral", "Name"),
        ("PSLiteral", "中"),
        b"AB",
        b"",
    ]


def test_a_string_of_a_hundred_thousand_escapes_reads_whole() -> None:
    from pdfminer.psparser import PSBaseParser

    pdfsafe.install()
    data = b"(" + b"\\101" * 100_000 + b"(x)" * 50_000 + b")"
    assert tokens(PSBaseParser, data) == [b"A" * 100_000 + b"(x)" * 50_000]


@pytest.mark.parametrize(
    "body",
    [
        b"BI /W 4 /H 1 /BPC 8 /CS /G ID EEEI\nE\rEIEI EI Q",
        b"BI /W 1 /H 1 ID \x00 EI Q BI /W 2 /H 1 ID EIEI\r\nEI\n Q",
        b"BI /W 9 /H 9 ID " + b"E" * 10_000 + b" EI Q",
        b'BI /W 1 /H 1 /F /A85 ID 87cURD]i,"Ebo80~> EI Q',
    ],
)
def test_inline_image_data_is_found_as_pdfminer_finds_it(body: bytes) -> None:
    from pdfminer.pdfinterp import PDFContentParser
    from pdfminer.pdftypes import PDFStream

    pdfsafe.install()
    pristine_parser = pristine("pdfminer.pdfinterp").PDFContentParser

    def images(parser_class: type) -> list[bytes]:
        parser = parser_class([PDFStream({}, body)])
        found = []
        for _ in range(6):
            try:
                obj = parser.nextobject()[1]
            except Exception:
                break
            if isinstance(obj, PDFStream):
                found.append(obj.rawdata)
        return found

    ours = images(PDFContentParser)
    assert ours and ours == images(pristine_parser)


# ---------------------------------------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------------------------------------


def test_dedupe_chars_keeps_what_pdfplumber_keeps_in_its_order() -> None:
    import pdfplumber
    from pdfplumber.utils import dedupe_chars as plumber_dedupe

    with pdfplumber.open(io.BytesIO(corpus("001.pdf"))) as pdf:
        for page in pdf.pages:
            chars = page.chars
            assert dedupe_chars(chars, 1) == plumber_dedupe(chars, 1)
    base = {"upright": True, "fontname": "F", "size": 10.0, "top": 0.0, "bottom": 10.0}
    chars = [
        {**base, "text": "甲", "doctop": 5.0, "x0": 1.0, "x1": 11.0},
        {**base, "text": "乙", "doctop": 5.0, "x0": 11.0, "x1": 21.0},
        {**base, "text": "甲", "doctop": 5.0, "x0": 1.0, "x1": 11.0},  # overprinted: an equal dict
        {**base, "text": "甲", "doctop": 5.3, "x0": 1.4, "x1": 11.4},  # overprinted a little off
        {**base, "text": "丙", "doctop": 30.0, "x0": 1.0, "x1": 11.0},
    ]
    for order in ([0, 1, 2, 3, 4], [3, 4, 2, 1, 0], [2, 0, 4, 3, 1]):
        shuffled = [chars[i] for i in order]
        assert dedupe_chars(shuffled, 1) == plumber_dedupe(shuffled, 1)


def test_dense_ruling_is_not_searched_for_tables() -> None:
    doc = read_pdf_document(bombs.dense_grid(), "grid.pdf", ReadLimits())
    assert any("未识别表格" in note for note in doc.notes)


def test_ruled_grid_with_a_glyph_per_cell_reads_every_cell() -> None:
    doc = read_pdf_document(bombs.grid_with_text(30, pages=1), "cells.pdf", ReadLimits())
    grids = [block for block in doc.blocks if hasattr(block, "rows")]
    assert len(grids) == 1
    rows = grids[0].rows  # type: ignore[attr-defined]
    assert len(rows) == 30 and all(len(row) == 30 for row in rows)
    assert all(cell.text == "1" for row in rows for cell in row)


# ---------------------------------------------------------------------------------------------------------
# The budget
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["001.pdf", "002.pdf"])
def test_corpus_reports_use_a_small_part_of_their_budget(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    budgets: list[pdfsafe.WorkBudget] = []
    original = pdfsafe.WorkBudget.__init__

    def remember(self: pdfsafe.WorkBudget, *args: object) -> None:
        original(self, *args)  # type: ignore[arg-type]
        budgets.append(self)

    monkeypatch.setattr(pdfsafe.WorkBudget, "__init__", remember)
    read_pdf_document(corpus(name), name, ReadLimits())
    [budget] = budgets
    units, counts = budget.spent()
    assert sum(units.values()) < budget.total / 4
    assert counts["glyph"] > 2000 and counts["token"] > 30_000  # the meters do count


def test_budget_scales_with_the_file_and_keeps_refusing() -> None:
    limits = ReadLimits(pdf_work_per_mb=1000)
    assert pdfsafe.WorkBudget("a.pdf", 10, limits).total == 1000
    budget = pdfsafe.WorkBudget("a.pdf", 3_000_000, limits)
    assert budget.total == 3000
    budget.charge("glyph", 2000, 40)
    with pytest.raises(HostileInput, match="字符过多（80 个）"):
        budget.charge("glyph", 2000, 40)
    with pytest.raises(HostileInput) as again:
        budget.charge("path", 1)
    assert again.value is budget.refusal
    assert str(again.value).startswith("a.pdf: ")
    assert "GONGKAI_PDF_WORK_PER_MB" in str(again.value)  # says how a long real report can still be read


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("text-show-operators", "字符过多"),
        ("path-operators", "图形路径过多"),
        ("inline-images", "图像过多"),
        ("operand-stack-pops", "解析的指令和对象过多"),
        ("form-fan-out", "过多"),
        ("form-chain", "嵌套超过 16 层"),
        ("tounicode-range", "字符映射表的条目过多"),
        ("truetype-cmap", "字符映射表的条目过多"),
        ("font-width-range", "字符映射表的条目过多"),
        ("png-predictor-stream", "数据流解码过多"),
        ("lzw-bomb-content", "解压后过大"),
        ("object-stream-bomb", "解压后过大"),
        ("info-fan-out", "解析的指令和对象过多"),
    ],
)
def test_small_budget_refuses_each_kind_of_work(name: str, message: str) -> None:
    """Each meter, in-process with a tenth of the budget (the sandbox reads them at full size)."""
    data = bombs.HOSTILE_PDFS[name]()
    with pytest.raises(HostileInput) as err:
        read_pdf_document(data, f"{name}.pdf", ReadLimits(pdf_work_per_mb=250_000))
    assert str(err.value).startswith(f"{name}.pdf: ") and message in str(err.value)


def test_a_page_with_too_many_objects_is_refused_on_its_own() -> None:
    data = bombs.one_page(b"BT /F1 1 Tf 10 10 Td (" + b"A" * 3000 + b") Tj ET")
    with pytest.raises(HostileInput, match="第1页的字符、线条和图像超过 2000 个"):
        read_pdf_document(data, "objects.pdf", ReadLimits(max_pdf_page_objects=2000))
    assert read_pdf_document(data, "objects.pdf", ReadLimits()).pages == 1


def test_the_budget_is_active_only_while_reading() -> None:
    read_pdf_document(corpus("002.pdf"), "002.pdf", ReadLimits())
    assert pdfsafe._ACTIVE.get() is None
    with pytest.raises(HostileInput):
        read_pdf_document(bombs.tounicode_range(), "bomb.pdf", ReadLimits())
    assert pdfsafe._ACTIVE.get() is None  # also after a refusal


def test_the_work_budget_can_be_raised_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from gongkai.readers.limits import WORK_ENV_VAR, ReadLimits, environment_limits

    monkeypatch.delenv(WORK_ENV_VAR, raising=False)
    assert environment_limits() == ReadLimits()
    monkeypatch.setenv(WORK_ENV_VAR, "9000000")
    assert environment_limits().pdf_work_per_mb == 9_000_000
    monkeypatch.setenv(WORK_ENV_VAR, "lots")
    with pytest.raises(ValueError, match=WORK_ENV_VAR):
        environment_limits()
