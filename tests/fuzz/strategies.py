"""Hypothesis strategies for hostile and broken report files, by format.

Each strategy draws ``(data, name)``: the bytes of a file and the name it is read under. They are structured,
not only random bytes, so that they get past the first checks and into the parsers:

* ``mutated_files`` — real files (../shared seeds and corpus, and reports rendered by ``gongkai.render``) with
  bit flips, overwritten and deleted ranges, truncation, duplicated ranges, splices of two files, and inserted
  hostile tokens (huge numbers, control characters, broken multi-byte sequences, deep nesting);
* ``html_pages`` — generated pages: nested and ragged tables, absurd rowspan/colspan, entities, hidden
  elements, declared charsets that lie, and bodies encoded in one or several encodings;
* ``docx_files`` — ZIP containers built around a generated ``word/document.xml`` (absurd gridSpan,
  gridBefore, vMerge chains, nested tables, deep content controls, huge drawing extents), with parts dropped
  or corrupted and relationships pointing outside the package;
* ``text_files`` / ``crawler_files`` / ``markdown_files`` — lines of statutory labels and digits, TABs, pipes,
  headings, very long lines, NUL and control characters, and mixed encodings;
* ``pdf_files`` — hand-written minimal PDFs (absurd page sizes, huge image XObjects, broken cross-reference
  tables, nested arrays, text and ruling) and mutated corpus PDFs;
* ``json_models`` — report-model JSON with fields removed, retyped or replaced.
"""

from __future__ import annotations

import functools
import io
import json
import zipfile
import zlib
from collections.abc import Callable
from typing import Any, NamedTuple

from hypothesis import strategies as st
from tests.conftest import shared_path

from gongkai.model.report import SECTION_HEADINGS

MAX_SIZE = 1_200_000  # bytes; mutations never grow a file beyond about 1 MB (the contract's unit)



class Sample(NamedTuple):
    """A drawn file: its bytes and the name it is read under (shown short when hypothesis reports it)."""

    data: bytes
    name: str

    def __repr__(self) -> str:
        return f"Sample(name={self.name!r}, size={len(self.data)}, head={self.data[:160]!r})"


Drawn = Sample

# ---------------------------------------------------------------------------------------------------------
# Seed files
# ---------------------------------------------------------------------------------------------------------

SEED_SUFFIXES = {"txt": "text", "md": "markdown", "html": "html", "docx": "docx", "pdf": "pdf"}


@functools.cache
def seed_files() -> dict[str, bytes]:
    """The real report files of ../shared by name (a missing ../shared fails loudly)."""
    files: dict[str, bytes] = {}
    for folder in ("seeds", "corpus"):
        for path in sorted(shared_path(folder).iterdir()):
            if path.is_file() and path.suffix.lstrip(".") in SEED_SUFFIXES:
                files[f"{folder}-{path.name}"] = path.read_bytes()
    return files


@functools.cache
def rendered_files() -> dict[str, bytes]:
    """Reports rendered in every readable layout from one seed, so generators start from valid files."""
    from gongkai.readers import read
    from gongkai.render import render

    report = read(shared_path("seeds", "002_557b3571ae78e526.txt"))
    return {
        "rendered.docx": render(report, "docx"),
        "rendered.html": render(report, "html"),
        "rendered.md": render(report, "md"),
        "rendered.tsv.txt": render(report, "tsv"),
        "rendered.words.txt": render(report, "wordlines"),
        "rendered.json": render(report, "json"),
    }


def files_with(*suffixes: str) -> list[tuple[str, bytes]]:
    """(name, bytes) of the seed and rendered files whose name ends with one of ``suffixes``."""
    everything = {**seed_files(), **rendered_files()}
    return [(name, data) for name, data in sorted(everything.items()) if name.endswith(suffixes)]


# ---------------------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------------------


@functools.cache
def label_words() -> tuple[str, ...]:
    """Every word of the statutory cell labels (cells.json) and section headings."""
    spec = json.loads(shared_path("spec", "cells.json").read_text(encoding="utf-8"))
    words = {word for cells in spec.values() for cell in cells for word in cell["label"].split()}
    words.update(SECTION_HEADINGS.values())
    words.update(("政府信息公开工作年度报告", "2023年", "本年新收政府信息公开申请数量", "总计", "其他"))
    return tuple(sorted(words))


HUGE_NUMBERS = (
    "9" * 400,
    "18446744073709551616",
    "2147483648",
    "-2147483649",
    "1e308",
    "1e999",
    "-0",
    "0.000000000000000000001",
    "NaN",
    "Infinity",
    "１２３４５６７８９０" * 20,  # full-width digits
    "一二三四五六七八九十百千万亿" * 10,
    "0" * 5000,
    "1" * 60_000,
)
CONTROL = ("\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\u2028", "\u2029", "\ufeff", "\ufffd", "\u202e")
BROKEN_BYTES = (
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xef\xbb\xbf",
    b"\xc0\x80",  # overlong NUL
    b"\xed\xa0\x80",  # a UTF-8-encoded surrogate
    b"\xf4\x90\x80\x80",  # beyond U+10FFFF
    b"\x81\x30",  # a GB18030 four-byte sequence cut after two bytes
    b"\x81\x30\x81",  # ... after three
    b"\xe6\x8a",  # a UTF-8 three-byte character cut off
    b"\x00\xd8",  # a lone high surrogate in UTF-16-LE
    b"\x00\xdc\x41\x00",  # a lone low surrogate in UTF-16-LE
    b"\x80",
)
NESTING = (
    b"<div>" * 300,
    b"<table><tr><td>" * 120,
    b"<span>" * 5000,
    b"[" * 5000,
    b"<<" * 2000,
    b"(" * 5000,
    b"\xef\xbc\x88" * 3000,  # full-width "（"
    b"<w:sdt><w:sdtContent>" * 300,
)


def hostile_tokens() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.sampled_from(HUGE_NUMBERS).map(str.encode),
        st.sampled_from(CONTROL).map(str.encode),
        st.sampled_from(BROKEN_BYTES),
        st.sampled_from(NESTING),
        st.sampled_from(label_words()).map(str.encode),
        st.binary(min_size=1, max_size=64),
    )


# ---------------------------------------------------------------------------------------------------------
# Mutations of real files
# ---------------------------------------------------------------------------------------------------------


@st.composite
def mutate(draw: st.DrawFn, data: bytes, others: list[bytes]) -> bytes:
    """``data`` after one to four mutations (``others`` are splice partners)."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        size = len(out)
        at = draw(st.integers(0, size))
        kind = draw(
            st.sampled_from(("flip", "set", "truncate", "delete", "duplicate", "insert", "splice", "overwrite"))
        )
        if kind == "flip" and size:
            at = min(at, size - 1)
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set" and size:
            at = min(at, size - 1)
            out[at] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del out[at:]
        elif kind == "delete":
            del out[at : at + draw(st.integers(1, 4096))]
        elif kind == "duplicate":
            length = draw(st.integers(1, 4096))
            times = draw(st.integers(1, 64))
            piece = bytes(out[at : at + length]) * times
            out[at:at] = piece[: max(0, MAX_SIZE - size)]
        elif kind == "insert":
            token = draw(hostile_tokens()) * draw(st.sampled_from((1, 1, 2, 10, 100)))
            out[at:at] = token[: max(0, MAX_SIZE - size)]
        elif kind == "overwrite":
            token = draw(hostile_tokens())
            out[at : at + len(token)] = token
        elif kind == "splice" and others:
            other = draw(st.sampled_from(others))
            cut = draw(st.integers(0, len(other)))
            out = out[:at] + bytearray(other[cut : cut + max(0, MAX_SIZE - at)])
    return bytes(out[:MAX_SIZE])


@st.composite
def mutated_files(draw: st.DrawFn, *suffixes: str) -> Drawn:
    """A real file whose name ends with one of ``suffixes``, mutated (spliced with any real file)."""
    pool = files_with(*suffixes)
    name, data = draw(st.sampled_from(pool))
    others = [d for _, d in files_with(*SEED_SUFFIXES, ".json")]
    return Sample(draw(mutate(data, others)), f"mutated-{name}")


# ---------------------------------------------------------------------------------------------------------
# Text, Markdown, crawler text
# ---------------------------------------------------------------------------------------------------------

ENCODINGS = ("utf-8", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be", "big5", "utf-8-sig")


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@st.composite
def cell_texts(draw: st.DrawFn) -> str:
    text: str = draw(
        st.one_of(
            st.sampled_from(label_words()),
            st.integers(-(10**30), 10**30).map(str),
            st.sampled_from(HUGE_NUMBERS),
            st.sampled_from(("", "/", "—", "无", "－", "0", "55（含自然失效 29 件）", "251000元", "- 4 -")),
            st.text(max_size=12),
            st.sampled_from(CONTROL),
        )
    )
    return text


@st.composite
def text_lines(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(("label", "tsv", "pipe", "tabbed", "heading", "blank", "long", "junk", "sep")))
    if kind == "label":
        return "".join(draw(st.lists(cell_texts(), min_size=1, max_size=6)))
    if kind == "tsv":
        return "\t".join(draw(st.lists(cell_texts(), min_size=2, max_size=12)))
    if kind == "pipe":
        return "|" + "|".join(draw(st.lists(cell_texts(), min_size=1, max_size=12))) + draw(st.sampled_from(("|", "")))
    if kind == "tabbed":
        return "\t" + draw(cell_texts())
    if kind == "heading":
        return "#" * draw(st.integers(1, 8)) + " " + draw(st.sampled_from(label_words()))
    if kind == "blank":
        return draw(st.sampled_from(("", " ", "\t", "\u3000", "\r")))
    if kind == "long":
        unit = draw(st.sampled_from(label_words())) + draw(st.integers(0, 10**6).map(str))
        return unit * draw(st.integers(100, 5000))
    if kind == "sep":
        return draw(st.sampled_from(("|---|---|", "| :-- | --: |", "---", "- 4 -", "— 4 —", "===")))
    return draw(st.text(max_size=80))


@st.composite
def _text_body(draw: st.DrawFn, header: str = "") -> bytes:
    lines = draw(st.lists(text_lines(), min_size=1, max_size=60))
    if header:
        lines = [header, *lines]
    newline = draw(st.sampled_from(("\n", "\r\n", "\r")))
    mixed = draw(st.booleans())
    if not mixed:
        encoding = draw(st.sampled_from(ENCODINGS))
        return _encode(newline.join(lines), encoding)
    out = bytearray()
    for line in lines:  # one encoding per line: what concatenated exports and copy-paste produce
        out += _encode(line + newline, draw(st.sampled_from(ENCODINGS)))
        if draw(st.integers(0, 9)) == 0:
            out += draw(st.sampled_from(BROKEN_BYTES))
    return bytes(out)


@st.composite
def text_files(draw: st.DrawFn) -> Drawn:
    return Sample(draw(_text_body()), "generated.txt")


@st.composite
def markdown_files(draw: st.DrawFn) -> Drawn:
    return Sample(draw(_text_body()), "generated.md")


@st.composite
def crawler_files(draw: st.DrawFn) -> Drawn:
    header = "\n".join(
        [
            f"标题: {draw(st.sampled_from(label_words()))}",
            f"发布时间: {draw(st.sampled_from(('2020-01-20 15:22', '9999-99-99', '', '2020年1月')))}",
            "发布机构: ",
            "==================== 正文 ====================",
        ]
    )
    glued = "".join(draw(st.lists(st.one_of(st.sampled_from(label_words()), st.integers(0, 10**9).map(str)), max_size=400)))
    body = draw(_text_body(header if draw(st.booleans()) else ""))
    return Sample(body + _encode(glued, draw(st.sampled_from(("utf-8", "gb18030")))), "generated-crawler.txt")


# ---------------------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------------------

REPEATS = (1, 1, 1, 1, 2, 30, 2000)  # a drawn row printed this many times: big tables from few draws


def _repeat(draw: st.DrawFn, row: str, nested: str) -> int:
    """How often to print a drawn row: never for a row holding a table (repetition would multiply), and
    never past about 1 MB of markup."""
    if nested in row:
        return 1
    return max(1, min(draw(st.sampled_from(REPEATS)), MAX_SIZE // max(len(row), 1)))


SPANS = ("0", "1", "2", "3", "-1", "abc", " 7px", "1000", "65535", "2147483648", "9" * 40, "1e9", "")
ENTITIES = ("&nbsp;", "&amp;", "&lt;", "&#0;", "&#x0;", "&#1114112;", "&#99999999999;", "&#xD800;", "&#12288;", "&bogus;", "&", "&#")
CHARSETS = ("utf-8", "gbk", "gb2312", "gb18030", "utf-16", "utf-16le", "big5", "x-unknown", "latin1", "utf-7", "")


@st.composite
def _html_text(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(cell_texts(), st.sampled_from(ENTITIES)), max_size=3))
    return "".join(p.replace("<", "&lt;") if draw(st.booleans()) else p for p in parts)


@st.composite
def _html_cell(draw: st.DrawFn, depth: int) -> str:
    tag = draw(st.sampled_from(("td", "th", "td", "TD")))
    attrs = ""
    if draw(st.booleans()):
        attrs += f' rowspan="{draw(st.sampled_from(SPANS))}"'
    if draw(st.booleans()):
        attrs += f" colspan={draw(st.sampled_from(SPANS))}"
    if draw(st.integers(0, 9)) == 0:
        attrs += ' style="display:none"'
    inner = draw(_html_text())
    if depth > 0 and draw(st.integers(0, 5)) == 0:
        inner += draw(_html_table(depth - 1))
    elif draw(st.booleans()):
        inner = f"<p><span>{inner}</span></p><br>{draw(_html_text())}"
    close = draw(st.sampled_from((f"</{tag}>", "")))  # unclosed cells are common in old pages
    return f"<{tag}{attrs}>{inner}{close}"


@st.composite
def _html_table(draw: st.DrawFn, depth: int) -> str:
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        cells = "".join(draw(st.lists(_html_cell(depth), max_size=6)))
        row = f"<tr>{cells}" + draw(st.sampled_from(("</tr>", "")))
        rows.append(row * _repeat(draw, row, "<table"))
    wrap = draw(st.sampled_from(("", "tbody", "thead")))
    body = "".join(rows)
    if wrap:
        body = f"<{wrap}>{body}</{wrap}>"
    caption = f"<caption>{draw(_html_text())}</caption>" if draw(st.booleans()) else ""
    return f"<table border=1>{caption}{body}</table>"


@st.composite
def _html_block(draw: st.DrawFn, depth: int) -> str:
    kind = draw(st.sampled_from(("p", "h", "table", "div", "script", "comment", "br", "raw", "pre")))
    if kind == "p":
        return f"<p>{draw(_html_text())}</p>"
    if kind == "h":
        level = draw(st.integers(1, 6))
        return f"<h{level}>{draw(st.sampled_from(label_words()))}</h{level}>"
    if kind == "table":
        return draw(_html_table(depth))
    if kind == "div":
        inner = "".join(draw(st.lists(_html_block(depth - 1), max_size=3))) if depth > 0 else draw(_html_text())
        hidden = ' hidden' if draw(st.integers(0, 9)) == 0 else ""
        return f"<div{hidden}><font face=宋体>{inner}</font></div>"
    if kind == "script":
        return f"<script>var s = '<table><tr><td>{draw(_html_text())}</td></tr></table>';</script>"
    if kind == "comment":
        return f"<!-- {draw(_html_text())} -->"
    if kind == "br":
        return "<br>" * draw(st.integers(1, 50))
    if kind == "pre":
        return f"<pre>{draw(_html_text())}\t{draw(_html_text())}</pre>"
    return draw(st.sampled_from(("<", "</td>", "</table>", "<tr>", "<td colspan=5>", "<!DOCTYPE html>", "<?xml ?>", "]]>")))


@st.composite
def html_pages(draw: st.DrawFn) -> Drawn:
    declared = draw(st.sampled_from(CHARSETS))
    meta = f'<meta charset="{declared}">' if declared and draw(st.booleans()) else ""
    if declared and not meta and draw(st.booleans()):
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={declared}">'
    title = f"<title>{draw(st.sampled_from(label_words()))}_年度报告 | 站点</title>"
    body = "".join(draw(st.lists(_html_block(2), min_size=1, max_size=8)))
    prefix = draw(st.sampled_from(("<!DOCTYPE html>", "", '<?xml version="1.0" encoding="gbk"?>', "\ufeff")))
    page = f"{prefix}<html><head>{meta}{title}</head><body>{body}</body></html>"
    if draw(st.booleans()):
        page = page.replace("</body></html>", "") if draw(st.booleans()) else body  # a fragment
    page = page[:MAX_SIZE]
    encoding = draw(st.sampled_from(ENCODINGS))
    data = _encode(page, encoding)
    if draw(st.integers(0, 4)) == 0:  # two halves in different encodings, as in pasted-together pages
        half = len(page) // 2
        data = _encode(page[:half], encoding) + _encode(page[half:], draw(st.sampled_from(ENCODINGS)))
    return Sample(data, "generated.html")


# ---------------------------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W_NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"'
)
DOCX_NUMBERS = ("0", "1", "2", "-1", "63", "1000", "99999", "4294967296", "9" * 30, "x", "", " 3")


def _xml_text(text: str) -> str:
    cleaned = "".join(ch for ch in text if ch in "\t\n\r" or (ord(ch) >= 0x20 and ch not in "\ufffe\uffff"))
    return cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@st.composite
def _w_run(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(("t", "t", "tab", "br", "del", "drawing", "field", "box")))
    if kind == "t":
        return f'<w:r><w:t xml:space="preserve">{_xml_text(draw(cell_texts()))}</w:t></w:r>'
    if kind == "tab":
        return "<w:r><w:tab/></w:r>"
    if kind == "br":
        return "<w:r><w:br/></w:r>"
    if kind == "del":
        return f"<w:del><w:r><w:delText>{_xml_text(draw(cell_texts()))}</w:delText></w:r></w:del>"
    if kind == "field":
        return '<w:r><w:instrText>INCLUDETEXT "/etc/passwd"</w:instrText></w:r>'
    if kind == "box":
        return (
            "<w:r><w:pict><w:txbxContent><w:p><w:r><w:t>"
            + _xml_text(draw(cell_texts()))
            + "</w:t></w:r></w:p></w:txbxContent></w:pict></w:r>"
        )
    extent = draw(st.sampled_from(("914400", "99999999999999", "-5", "9" * 30)))
    return (
        f'<w:r><w:drawing><wp:inline><wp:extent cx="{extent}" cy="{extent}"/>'
        '<a:graphic><a:graphicData><pic:pic><pic:blipFill><a:blip r:embed="rIdImg"/></pic:blipFill>'
        "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    )


@st.composite
def _w_paragraph(draw: st.DrawFn) -> str:
    props = ""
    if draw(st.booleans()):
        props = f'<w:pPr><w:pStyle w:val="{draw(st.sampled_from(("Heading1", "1", "x", "")))}"/>'
        props += f'<w:outlineLvl w:val="{draw(st.sampled_from(DOCX_NUMBERS))}"/></w:pPr>'
    runs = "".join(draw(st.lists(_w_run(), max_size=3)))
    return f"<w:p>{props}{runs}</w:p>"


@st.composite
def _w_table(draw: st.DrawFn, depth: int) -> str:
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        before = f'<w:trPr><w:gridBefore w:val="{draw(st.sampled_from(DOCX_NUMBERS))}"/></w:trPr>' if draw(st.integers(0, 4)) == 0 else ""
        cells = []
        for _ in range(draw(st.integers(0, 6))):
            props = []
            if draw(st.booleans()):
                props.append(f'<w:gridSpan w:val="{draw(st.sampled_from(DOCX_NUMBERS))}"/>')
            merge = draw(st.sampled_from(("", '<w:vMerge/>', '<w:vMerge w:val="restart"/>', '<w:vMerge w:val="continue"/>', '<w:vMerge w:val="x"/>')))
            if merge:
                props.append(merge)
            inner = "".join(draw(st.lists(_w_paragraph(), max_size=2)))
            if depth > 0 and draw(st.integers(0, 6)) == 0:
                inner += draw(_w_table(depth - 1)) + "<w:p/>"
            wrap = draw(st.integers(0, 8)) == 0
            cell = f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{inner}</w:tc>"
            cells.append(f"<w:sdt><w:sdtContent>{cell}</w:sdtContent></w:sdt>" if wrap else cell)
        row = f"<w:tr>{before}{''.join(cells)}</w:tr>"
        rows.append(row * _repeat(draw, row, "<w:tbl>"))
    return f"<w:tbl><w:tblPr/>{''.join(rows)}</w:tbl>"


@st.composite
def document_xml(draw: st.DrawFn) -> bytes:
    blocks = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(("p", "p", "tbl", "sdt", "deep")))
        if kind == "p":
            blocks.append(draw(_w_paragraph()))
        elif kind == "tbl":
            blocks.append(draw(_w_table(1)))
        elif kind == "sdt":
            blocks.append(f"<w:sdt><w:sdtContent>{draw(_w_paragraph())}</w:sdtContent></w:sdt>")
        else:
            depth = draw(st.sampled_from((10, 200, 300, 3000)))
            blocks.append("<w:sdt><w:sdtContent>" * depth + draw(_w_paragraph()) + "</w:sdtContent></w:sdt>" * depth)
    body = "".join(blocks)
    encoding = draw(st.sampled_from(("UTF-8", "UTF-8", "UTF-16")))
    xml = f'<?xml version="1.0" encoding="{encoding}" standalone="yes"?>\n<w:document {NAMESPACES}><w:body>{body}</w:body></w:document>'
    return xml.encode(encoding)


def png_header(width: int, height: int) -> bytes:
    """The first chunk of a PNG declaring ``width``×``height`` pixels (no image data follows)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes((8, 0, 0, 0, 0))
    idat = zlib.compress(b"\0" * 1000)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


RELS_TARGETS = (
    'Target="media/image1.png"',
    'Target="../../../../etc/passwd"',
    'Target="/etc/passwd"',
    'Target="file:///etc/passwd" TargetMode="External"',
    'Target="http://127.0.0.1:1/x" TargetMode="External"',
    'Target="document.xml"',  # a part relating to itself
)


def replace_members(docx: bytes, changes: dict[str, bytes | None], extra: dict[str, bytes] | None = None) -> bytes:
    """A copy of a ZIP archive with members replaced (bytes) or dropped (None), and extra members added."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename in changes:
                new = changes[info.filename]
                if new is not None:
                    out.writestr(info.filename, new)
            else:
                out.writestr(info.filename, source.read(info.filename))
        for name, data in (extra or {}).items():
            out.writestr(name, data)
    return buf.getvalue()


@st.composite
def docx_files(draw: st.DrawFn) -> Drawn:
    base = draw(st.sampled_from([data for _, data in files_with(".docx")]))
    members = zipfile.ZipFile(io.BytesIO(base)).namelist()
    changes: dict[str, bytes | None] = {}
    if draw(st.integers(0, 3)):
        changes["word/document.xml"] = draw(document_xml())
    for name in draw(st.lists(st.sampled_from(members), max_size=2, unique=True)):
        action = draw(st.sampled_from(("drop", "mutate", "empty")))
        if action == "drop":
            changes[name] = None
        elif action == "empty":
            changes[name] = b""
        else:
            original = changes.get(name) or zipfile.ZipFile(io.BytesIO(base)).read(name)
            changes[name] = draw(mutate(original, []))
    extra: dict[str, bytes] = {}
    if draw(st.booleans()):
        target = draw(st.sampled_from(RELS_TARGETS))
        rels = (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rIdImg" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
            f"{target}/>"
            '<Relationship Id="rIdSt" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            "</Relationships>"
        )
        changes["word/_rels/document.xml.rels"] = rels.encode()
        side = draw(st.sampled_from((100_000, 65_535, 1, 0)))
        extra["word/media/image1.png"] = png_header(side, side)
    if draw(st.integers(0, 5)) == 0:
        extra[draw(st.sampled_from(("../../evil.txt", "/abs/evil.xml", "word/../../../evil.xml", "C:\\evil.xml")))] = b"<x/>"
    data = replace_members(base, changes, extra)
    return Sample(data, "generated.docx")


# ---------------------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------------------


def build_pdf(objects: list[bytes], root: int = 1, xref: bool = True) -> bytes:
    """A PDF file around numbered objects (object n is ``objects[n-1]``) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    start = len(out)
    if xref:
        out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
        for offset in offsets:
            out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{start}\n%%EOF\n".encode()
    return bytes(out)


def stream(body: bytes, extra: str = "", compress: bool = False) -> bytes:
    if compress:
        body = zlib.compress(body)
        extra += " /Filter /FlateDecode"
    return f"<< /Length {len(body)}{extra} >>\nstream\n".encode() + body + b"\nendstream"


def encode_content(body: bytes, encoding: str) -> tuple[bytes, str]:
    """``body`` under one of the stream filters the PDF reader decodes itself: the bytes and the /Filter."""
    if encoding == "lzw":
        from tests.fuzz.hostile_pdfs import lzw_encode

        return lzw_encode(body), " /Filter /LZWDecode"
    if encoding == "runlength":
        runs = b"".join(bytes([len(body[i : i + 128]) - 1]) + body[i : i + 128] for i in range(0, len(body), 128))
        return runs + b"\x80", " /Filter /RunLengthDecode"
    if encoding == "hex-flate":
        return zlib.compress(body).hex().encode() + b">", " /Filter [/ASCIIHexDecode /FlateDecode]"
    return body, ""


def pdf_page(
    content: bytes,
    media_box: str = "0 0 595 842",
    image: tuple[str, str, bytes, str] | None = None,
    compress: bool = False,
    encoding: str = "",
) -> bytes:
    """A one-page PDF: Helvetica text and drawing in ``content``; ``image`` = (width, height, data, filter)
    adds an image XObject ``/Im1`` the content may paint; ``encoding`` names another filter for the content
    (``encode_content``)."""
    resources = "/Font << /F1 4 0 R >>"
    if encoding:
        body, filters = encode_content(content, encoding)
        content_stream = stream(body, filters)
    else:
        content_stream = stream(content, compress=compress)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"",  # the page, below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        content_stream,
    ]
    if image is not None:
        width, height, data, filters = image
        objects.append(
            stream(data, f" /Type /XObject /Subtype /Image /Width {width} /Height {height} "
                   f"/ColorSpace /DeviceGray /BitsPerComponent 8{filters}")
        )
        resources += " /XObject << /Im1 6 0 R >>"
    objects[2] = f"<< /Type /Page /Parent 2 0 R /MediaBox [{media_box}] /Resources << {resources} >> /Contents 5 0 R >>".encode()
    return build_pdf(objects)


PDF_NUMBERS = ("0", "-595", "1e10", "99999999999999999999", "14400", "3.4e38", "NaN", "1", "595", "842", "0.0001")


@st.composite
def _pdf_content(draw: st.DrawFn) -> bytes:
    ops = []
    for _ in range(draw(st.integers(0, 40))):
        kind = draw(st.sampled_from(("text", "rect", "line", "image", "junk", "nest", "string", "inline", "operands")))
        x, y = draw(st.sampled_from(PDF_NUMBERS)), draw(st.sampled_from((*PDF_NUMBERS, "100", "700")))
        if kind == "text":
            text = draw(st.sampled_from(("Total", "123", "(", "\\", "9" * 200, "\\377\\376"))).replace("(", "\\(")
            size = draw(st.sampled_from(("12", "0", "-12", "1e9", "0.001")))
            ops.append(f"BT /F1 {size} Tf {x} {y} Td ({text}) Tj ET")
        elif kind == "rect":
            ops.append(f"{x} {y} {draw(st.sampled_from(PDF_NUMBERS))} {draw(st.sampled_from(PDF_NUMBERS))} re S")
        elif kind == "line":
            ops.append(f"{x} {y} m {draw(st.sampled_from(PDF_NUMBERS))} {y} l S")
        elif kind == "image":
            ops.append(f"q {x} 0 0 {y} 0 0 cm /Im1 Do Q")
        elif kind == "nest":
            ops.append("q " * draw(st.integers(1, 3000)) + "Q " * draw(st.integers(0, 10)))
        elif kind == "string":  # escapes and nested parentheses (quadratic in pdfminer's own tokenizer)
            piece = draw(st.sampled_from(("\\101", "\\(", "(x)", "\\\n", "\\777", "#41")))
            ops.append(f"BT /F1 1 Tf 10 10 Td ({piece * draw(st.integers(1, 20_000))}) Tj ET")
        elif kind == "inline":  # data that keeps nearly ending the image
            data = draw(st.sampled_from(("E", "EI", "E\n", "\x00")))
            ops.append(f"BI /W 9 /H 9 /BPC 8 /CS /G ID {data * draw(st.integers(1, 20_000))} EI")
        elif kind == "operands":
            ops.append("1 " * draw(st.integers(1, 50_000)) + "w " * draw(st.integers(0, 50_000)))
        else:
            ops.append(draw(st.sampled_from(("[[[[[[[[[[", "<< /A << /B <<", ") Tj", "BI /W 99999 /H 99999 ID \xff EI", "1 0 0 1 cm" * 100))))
    return "\n".join(ops).encode("latin-1", errors="replace")


@st.composite
def generated_pdfs(draw: st.DrawFn) -> bytes:
    box = " ".join(draw(st.lists(st.sampled_from(PDF_NUMBERS), min_size=4, max_size=4)))
    if draw(st.booleans()):
        box = "0 0 595 842"
    image = None
    if draw(st.booleans()):
        side = draw(st.sampled_from(("100000", "1", "0", "-1", "4294967296", "65535")))
        data = draw(st.sampled_from((b"", b"\0" * 100, zlib.compress(b"\0" * 100_000))))
        filters = " /Filter /FlateDecode" if data[:1] == b"x" else ""
        image = (side, side, data, filters)
    encoding = draw(st.sampled_from(("", "", "lzw", "runlength", "hex-flate")))
    data = pdf_page(draw(_pdf_content()), box, image, compress=draw(st.booleans()), encoding=encoding)
    if draw(st.integers(0, 3)) == 0:
        data = draw(mutate(data, []))
    return data


@st.composite
def pdf_files(draw: st.DrawFn) -> Drawn:
    if draw(st.integers(0, 2)) == 0:
        return draw(mutated_files(".pdf"))
    return Sample(draw(generated_pdfs()), "generated.pdf")


# ---------------------------------------------------------------------------------------------------------
# JSON report models
# ---------------------------------------------------------------------------------------------------------

JSON_VALUES: tuple[Any, ...] = (None, 0, -1, 1.5, 10**400, "", "x", [], {}, [1], {"a": 1}, True, "NaN")


def _walk_replace(node: Any, path: list[int], value: Any) -> Any:
    """``node`` with the item at a pseudo-random ``path`` replaced by ``value``."""
    if not path or not isinstance(node, (dict, list)) or not node:
        return value
    keys = list(node) if isinstance(node, dict) else list(range(len(node)))
    key = keys[path[0] % len(keys)]
    copy: Any = dict(node) if isinstance(node, dict) else list(node)
    copy[key] = _walk_replace(node[key], path[1:], value)
    return copy


@st.composite
def json_models(draw: st.DrawFn) -> Drawn:
    model = json.loads(rendered_files()["rendered.json"])
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.lists(st.integers(0, 1000), max_size=6))
        model = _walk_replace(model, path, draw(st.sampled_from(JSON_VALUES)))
    text = json.dumps(model, ensure_ascii=draw(st.booleans()))
    return Sample(text.encode(), "generated.json")


# ---------------------------------------------------------------------------------------------------------
# Everything
# ---------------------------------------------------------------------------------------------------------

GENERATORS: dict[str, Callable[[], st.SearchStrategy[Drawn]]] = {
    "text": text_files,
    "markdown": markdown_files,
    "crawler": crawler_files,
    "html": html_pages,
    "docx": docx_files,
    "pdf": pdf_files,
    "json": json_models,
}

