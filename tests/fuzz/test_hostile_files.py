"""Hostile files, one named test each: refused with a clear error naming the file, or read harmlessly.

The kinds already tested elsewhere are not repeated here: a 400 MB deflate ZIP bomb named .docx, empty and
junk files, a truncated DOCX, a 50 MB HTML page and billion-laughs entity bombs in HTML and DOCX
(tests/readers/test_hostile.py, through the command line); compression ratio, member count, lying size
headers and a DTD in document.xml (tests/readers/test_docx.py); entity bombs, element count, nesting depth
and huge spans in HTML (tests/readers/test_html.py); page count, truncated and encrypted PDFs
(tests/readers/test_pdf.py); traversal names and bombs in an imported ZIP of reports
(tests/oversight/test_import.py).

Cases that could eat memory or time run in the fuzz sandbox (a fresh child under RLIMIT_AS = 1 GiB, CPU time
measured); the others read in-process. Where local files could leak (XXE, XInclude, relationships pointing out
of the package), the first line of /etc/passwd must appear nowhere in what the reader gives back.
"""

from __future__ import annotations

import io
import json
import struct
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from tests.conftest import shared_path
from tests.fuzz.harness import Outcome, Sandbox, assert_contract
from tests.fuzz.strategies import build_pdf, pdf_page, png_header, replace_members

from gongkai.errors import GongkaiError, HostileInput, ReadError
from gongkai.extract.values import parse_value
from gongkai.model.report import ValueKind
from gongkai.readers import read, read_interpretation
from gongkai.readers.pdfsafe import decompress_corrupted

PASSWD = Path("/etc/passwd")
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def corpus_docx() -> bytes:
    return shared_path("corpus", "019.docx").read_bytes()


def in_sandbox(sandbox: Sandbox, data: bytes, fmt: str | None, name: str) -> Outcome:
    outcome = sandbox.read(data, fmt, name)
    assert_contract(outcome, data, name)
    return outcome


def deflated(size: int, byte: bytes = b"\0") -> bytes:
    """``size`` bytes of one byte, zlib-compressed in chunks (never held inflated)."""
    packer = zlib.compressobj(9)
    chunk = byte * (1 << 20)
    parts = [packer.compress(chunk) for _ in range(size >> 20)]
    parts.append(packer.flush())
    return b"".join(parts)


def leaked(text: str) -> bool:
    first = PASSWD.read_text(encoding="utf-8").splitlines()[0]
    return first in text or "root:x:0:0" in text


def everything_read(data: bytes, fmt: str, name: str) -> str:
    """All text a read gives back (document blocks and report JSON), or the error message."""
    try:
        interp = read_interpretation(data, fmt, name)
    except GongkaiError as err:
        return str(err)
    blocks = json.dumps([repr(block) for block in interp.document.blocks], ensure_ascii=False)
    return blocks + json.dumps(interp.report.to_dict(), ensure_ascii=False)


def document_xml(body: str, prolog: str = "") -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}<w:document {W_NS}><w:body>{body}</w:body></w:document>'.encode()


PARAGRAPH = '<w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p>'

# ---------------------------------------------------------------------------------------------------------
# ZIP bombs
# ---------------------------------------------------------------------------------------------------------


def test_nested_zip_bomb_inside_docx_is_never_inflated(sandbox: Sandbox) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z, z.open("zeros.bin", "w", force_zip64=True) as part:
        for _ in range(200):
            part.write(b"\0" * (1 << 20))  # 200 MB inside, about 200 KB stored
    data = replace_members(corpus_docx(), {}, {"word/embeddings/inner.zip": inner.getvalue()})
    outcome = in_sandbox(sandbox, data, "docx", "nested.docx")
    assert outcome.kind == "report", outcome.describe()  # the embedded archive is a blob nobody opens
    assert outcome.max_rss < 400 * 2**20


def overlapping_zip(members: int) -> bytes:
    """One 1 MB member whose central-directory entry is repeated: every entry inflates the same bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b" " * 1_000_000)  # under the size where the ratio is checked
    data = buf.getvalue()
    start = data.index(b"PK\x01\x02")
    end = data.index(b"PK\x05\x06")
    entry = data[start:end]
    directory = entry * members
    eocd = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, members, members, len(directory), start, 0)
    return data[:start] + directory + eocd


def test_overlapping_entries_zip_bomb_is_hostile(sandbox: Sandbox) -> None:
    data = overlapping_zip(1500)  # 1.5 GB declared from about 1 KB of deflate
    outcome = in_sandbox(sandbox, data, "docx", "overlap.docx")
    assert outcome.error_type == "HostileInput", outcome.describe()
    assert "ZIP 炸弹" in outcome.message


# ---------------------------------------------------------------------------------------------------------
# XML entity expansion and external entities
# ---------------------------------------------------------------------------------------------------------

XXE = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{PASSWD}">]>\n'


def test_xxe_in_docx_document_xml_is_refused_and_reads_nothing() -> None:
    body = "<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>" + PARAGRAPH
    data = replace_members(corpus_docx(), {"word/document.xml": document_xml(body, XXE)})
    with pytest.raises(HostileInput) as err:
        read(data, format="docx", name="xxe.docx")
    assert str(err.value).startswith("xxe.docx: ") and "DTD" in str(err.value)
    assert not leaked(everything_read(data, "docx", "xxe.docx"))


@pytest.mark.parametrize("part", ["word/styles.xml", "[Content_Types].xml", "_rels/.rels", "docProps/core.xml"])
def test_xxe_in_any_docx_part_is_refused(part: str) -> None:
    original = zipfile.ZipFile(io.BytesIO(corpus_docx())).read(part).decode("utf-8")
    head, rest = original.split("?>", 1) if original.startswith("<?xml") else ("", original)
    poisoned = (head + "?>" if head else "") + XXE.replace("w:document", "x") + rest
    data = replace_members(corpus_docx(), {part: poisoned.encode()})
    with pytest.raises(HostileInput) as err:
        read(data, format="docx", name="xxe-part.docx")
    assert part in str(err.value)


def test_xxe_in_utf16_document_xml_is_refused() -> None:
    xml = f'<?xml version="1.0" encoding="UTF-16"?>\n{XXE}<w:document {W_NS}><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>'
    data = replace_members(corpus_docx(), {"word/document.xml": xml.encode("utf-16")})
    with pytest.raises(HostileInput):
        read(data, format="docx", name="xxe16.docx")


def test_xxe_in_html_is_refused_and_reads_nothing() -> None:
    page = f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{PASSWD}">]><html><body><p>&xxe;</p><p>总体情况</p></body></html>'
    with pytest.raises(HostileInput) as err:
        read(page.encode(), format="html", name="xxe.html")
    assert str(err.value).startswith("xxe.html: ")
    assert not leaked(everything_read(page.encode(), "html", "xxe.html"))


def test_html_doctype_with_local_system_id_is_not_loaded() -> None:
    page = f'<!DOCTYPE html SYSTEM "file://{PASSWD}"><html><body><p>一、总体情况</p><p>本机关认真贯彻落实。</p></body></html>'
    text = everything_read(page.encode(), "html", "dtd.html")
    assert "本机关认真贯彻落实" in text  # read, not refused
    assert not leaked(text)


def test_xinclude_in_docx_is_not_followed() -> None:
    body = (
        '<w:p><w:r><w:t><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
        f'href="{PASSWD}" parse="text"/></w:t></w:r></w:p>' + PARAGRAPH
    )
    data = replace_members(corpus_docx(), {"word/document.xml": document_xml(body)})
    assert not leaked(everything_read(data, "docx", "xinclude.docx"))


# ---------------------------------------------------------------------------------------------------------
# Path traversal in archives
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "member", ["../../evil.xml", "/tmp/gongkai-evil.xml", "word/../../../evil.xml", "..\\..\\evil.xml"]
)
def test_traversal_member_names_in_docx_write_nothing(member: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    data = replace_members(corpus_docx(), {}, {member: b"<evil/>"})
    before = sorted(tmp_path.rglob("*"))
    text = everything_read(data, "docx", "traversal.docx")
    assert sorted(tmp_path.rglob("*")) == before  # nothing extracted anywhere
    assert not Path("/tmp/gongkai-evil.xml").exists()
    assert "<evil/>" not in text


@pytest.mark.parametrize(
    "target",
    [f"../../../../..{PASSWD}", str(PASSWD), f'file://{PASSWD}" TargetMode="External'],
)
def test_relationship_pointing_outside_the_package_reads_nothing_there(target: str) -> None:
    docx = corpus_docx()
    rels = zipfile.ZipFile(io.BytesIO(docx)).read("word/_rels/document.xml.rels").decode()
    rels = rels.replace('Target="styles.xml"', f'Target="{target}"')
    data = replace_members(docx, {"word/_rels/document.xml.rels": rels.encode()})
    assert not leaked(everything_read(data, "docx", "rels.docx"))


# ---------------------------------------------------------------------------------------------------------
# Huge images
# ---------------------------------------------------------------------------------------------------------


def test_docx_with_declared_100000_px_image(sandbox: Sandbox) -> None:
    drawing = (
        '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
        '<wp:extent cx="914400000000" cy="914400000000"/></wp:inline></w:drawing></w:r></w:p>'
    )
    docx = corpus_docx()
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode()
    xml = xml.replace("<w:body>", "<w:body>" + drawing, 1)
    image = png_header(100_000, 100_000)
    rels = zipfile.ZipFile(io.BytesIO(docx)).read("word/_rels/document.xml.rels").decode()
    rels = rels.replace(
        "</Relationships>",
        '<Relationship Id="rIdHuge" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
        'Target="media/huge.png"/></Relationships>',
    )
    data = replace_members(
        docx, {"word/document.xml": xml.encode(), "word/_rels/document.xml.rels": rels.encode()}, {"word/media/huge.png": image}
    )
    outcome = in_sandbox(sandbox, data, "docx", "huge-image.docx")
    assert outcome.kind == "report", outcome.describe()  # images are never decoded to read a report
    assert outcome.cells > 0


def test_pdf_image_xobject_declaring_100000_px(sandbox: Sandbox) -> None:
    data = pdf_page(b"q 595 0 0 842 0 0 cm /Im1 Do Q", image=("100000", "100000", b"\0" * 1000, ""))
    outcome = in_sandbox(sandbox, data, "pdf", "huge-image.pdf")
    assert outcome.max_rss < 800 * 2**20, outcome.describe()


def test_pdf_flate_bomb_image_is_hostile(sandbox: Sandbox) -> None:
    bomb = deflated(500 << 20)  # 500 MB of image data in about 500 KB
    data = pdf_page(b"q 595 0 0 842 0 0 cm /Im1 Do Q", image=("20000", "25000", bomb, " /Filter /FlateDecode"))
    outcome = in_sandbox(sandbox, data, "pdf", "flate-image.pdf")
    assert outcome.error_type == "HostileInput" and "解压后过大" in outcome.message, outcome.describe()


def test_pdf_flate_bomb_content_stream_is_hostile(sandbox: Sandbox) -> None:
    bomb = deflated(900 << 20, b" ")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream",
    ]
    data = build_pdf(objects)
    outcome = in_sandbox(sandbox, data, "pdf", "flate-content.pdf")
    assert outcome.error_type == "HostileInput" and "解压后过大" in outcome.message, outcome.describe()
    assert outcome.max_rss < 300 * 2**20  # refused before anything inflated it


def test_pdf_double_flate_bomb_is_hostile(sandbox: Sandbox) -> None:
    twice = zlib.compress(deflated(300 << 20), 9)  # [/FlateDecode /FlateDecode]: a few KB
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n" % len(twice) + twice + b"\nendstream",
    ]
    outcome = in_sandbox(sandbox, build_pdf(objects), "pdf", "double-flate.pdf")
    assert outcome.error_type == "HostileInput", outcome.describe()


def test_pdf_drawing_instruction_bomb_is_hostile(sandbox: Sandbox) -> None:
    """Found by fuzzing: 6 KB of flate holding 200 000 ``m l S`` paths took 16 s of CPU to lay out."""
    content = b"0 0 m 1 1 l S\n" * 200_000
    data = pdf_page(content, compress=True)
    assert len(data) < 10_000
    outcome = in_sandbox(sandbox, data, "pdf", "paths.pdf")
    assert outcome.error_type == "HostileInput" and "绘制指令" in outcome.message, outcome.describe()
    assert outcome.cpu < 1.0


@pytest.mark.parametrize("box", ["0 0 99999999999 99999999999", "0 0 0 0", "0 0 -595 -842", "0 0 14400 14400"])
def test_pdf_absurd_page_size(sandbox: Sandbox, box: str) -> None:
    content = b"BT /F1 12 Tf 100 700 Td (Total 123) Tj ET q 595 0 0 842 0 0 cm /Im1 Do Q"
    data = pdf_page(content, box, image=("1000", "1000", b"\x80" * 1_000_000, ""))
    in_sandbox(sandbox, data, "pdf", "page-size.pdf")


def test_corrupt_checksum_stream_inflates_in_linear_time() -> None:
    """Found by fuzzing: pdfminer's fallback for a broken zlib checksum was quadratic (62 KB → 96 s)."""
    from pdfminer import pdftypes

    from gongkai.readers import pdfsafe

    sample = zlib.compress(b"0 0 m 1 1 l S\n" * 2000, 9)
    broken = sample[:-4] + bytes(b ^ 0xFF for b in sample[-4:])
    original = pdftypes.decompress_corrupted if pdftypes.decompress_corrupted is not decompress_corrupted else None
    if original is not None:  # before the reader installed ours: both must agree byte for byte
        assert decompress_corrupted(broken) == original(broken)
    assert decompress_corrupted(broken) == b"0 0 m 1 1 l S\n" * 2000
    with pytest.raises(zlib.error):
        decompress_corrupted(b"\x78\x9c" + b"\xff" * 100)  # an invalid block, not the checksum: still an error
    big = zlib.compress(b"0 0 m 1 1 l S\n" * 2_300_000, 9)
    big = big[:-4] + bytes(b ^ 0xFF for b in big[-4:])
    start = time.process_time()
    assert len(decompress_corrupted(big)) == 14 * 2_300_000
    assert time.process_time() - start < 2.0
    pdfsafe.install()
    assert pdftypes.decompress_corrupted is decompress_corrupted


# ---------------------------------------------------------------------------------------------------------
# Malformed encodings
# ---------------------------------------------------------------------------------------------------------

REPORT_TEXT = "一、总体情况\n本机关认真贯彻落实条例。\n二、主动公开政府信息情况\n"


@pytest.mark.parametrize("fmt", ["text", "markdown", "crawler", "html"])
def test_invalid_utf8_sequences(sandbox: Sandbox, fmt: str) -> None:
    data = REPORT_TEXT.encode() + b"\xff\xfe\xc0\x80\xed\xa0\x80\xf4\x90\x80\x80" + REPORT_TEXT.encode()
    in_sandbox(sandbox, data, fmt, "bad-utf8.txt")


@pytest.mark.parametrize("fmt", ["text", "markdown", "crawler", "html"])
def test_lone_surrogates_in_utf16(sandbox: Sandbox, fmt: str) -> None:
    body = REPORT_TEXT.encode("utf-16-le")
    data = b"\xff\xfe" + body + b"\x00\xd8A\x00" + b"\x00\xdcB\x00" + body + b"\x3d\xd8"  # high, low, cut pair
    outcome = in_sandbox(sandbox, data, fmt, "surrogates.txt")
    assert outcome.kind == "report", outcome.describe()


@pytest.mark.parametrize("cut", [b"\x81\x30", b"\x81\x30\x81", b"\x81"])
@pytest.mark.parametrize("where", ["end", "middle"])
def test_gb18030_four_byte_sequence_cut_off(sandbox: Sandbox, cut: bytes, where: str) -> None:
    text = REPORT_TEXT.encode("gb18030") + "𠀀".encode("gb18030")  # a real four-byte character first
    data = text + cut if where == "end" else text + cut + REPORT_TEXT.encode("gb18030")
    outcome = in_sandbox(sandbox, data, "text", "cut-gb18030.txt")
    if outcome.kind != "report":  # refused as what it is: text in no encoding
        assert outcome.error_type == "ReadError" and "编码" in outcome.message, outcome.describe()


def test_total_garble_reads_or_names_the_file() -> None:
    data = bytes(range(128, 256)) * 50  # no encoding decodes this into a report
    try:
        read(data, format="text", name="garble.txt")
    except ReadError as err:
        assert str(err).startswith("garble.txt: ")


# ---------------------------------------------------------------------------------------------------------
# Regressions of what fuzzing found
# ---------------------------------------------------------------------------------------------------------


def test_five_thousand_digit_number_is_text_not_a_crash() -> None:
    """Found by fuzzing: int() of a 5000-digit cell raised ValueError (Python's 4300-digit limit)."""
    assert parse_value("0" * 5000).kind is ValueKind.TEXT
    assert parse_value("9" * 200).kind is ValueKind.NUMBER
    lines = "\n".join(["一、总体情况", "\t".join(["本年新收政府信息公开申请数量", "0" * 5000, "1" * 60_000])] * 3)
    read(lines.encode(), format="text", name="digits.txt")
    read(lines.replace("\t", "").encode(), format="crawler", name="digits-glued.txt")


def test_docx_with_broken_core_properties_still_reads() -> None:
    """Found by fuzzing: a docProps/core.xml with another root element made python-docx raise AttributeError."""
    data = replace_members(corpus_docx(), {"docProps/core.xml": b'<?xml version="1.0"?><other xmlns="urn:x"/>'})
    report = read(data, format="docx", name="core.docx")
    assert report.tables


@pytest.mark.parametrize(
    "meta", [None, [], {"agency": 5}, {"year": "二〇二三"}, {"year": True}, {"published": 20240101}]
)
def test_report_json_with_wrong_types_is_a_read_error(meta: object) -> None:
    """Found by fuzzing: "meta": null raised AttributeError; a number as agency crashed a rule later."""
    data = json.dumps({"meta": meta, "tables": []}).encode()
    with pytest.raises(ReadError) as err:
        read(data, format="json", name="model.json")
    assert str(err.value).startswith("model.json: ")


def test_report_json_nested_thousands_deep_is_hostile() -> None:
    data = b'{"meta": {}, "tables": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(HostileInput):
        read(data, format="json", name="deep.json")


def test_docx_rows_spanning_a_thousand_columns_are_hostile(sandbox: Sandbox) -> None:
    """Found by fuzzing: a 35 KB DOCX whose repeated rows span 1000 grid columns expanded to 918 000 positions
    (7 s of CPU, 610 MB)."""
    row = '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="1000"/></w:tcPr><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr>'
    data = replace_members(corpus_docx(), {"word/document.xml": document_xml(f"<w:tbl>{row * 900}</w:tbl>")})
    assert len(data) < 100_000
    outcome = in_sandbox(sandbox, data, "docx", "wide.docx")
    assert outcome.error_type == "HostileInput" and "单元格过多" in outcome.message, outcome.describe()
    assert outcome.cpu < 2.0


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_text_table_of_millions_of_cells_is_hostile(sandbox: Sandbox, fmt: str) -> None:
    """Found by measuring: 4 MB of TAB-separated digits (two million cells) took 13 s and 968 MB."""
    row = "|" + "|".join(["1"] * 1000) + "|\n" if fmt == "markdown" else "\t".join(["1"] * 1000) + "\n"
    data = (row * 2000).encode()
    outcome = in_sandbox(sandbox, data, fmt, "cells.txt")
    assert outcome.error_type == "HostileInput" and "单元格过多" in outcome.message, outcome.describe()


@pytest.mark.parametrize(
    ("fmt", "data"),
    [
        ("text", b"1\n" * 500_000),
        ("crawler", b"1\n" * 500_000),
        ("html", b"<p>1</p>" * 125_000),
    ],
)
def test_half_a_million_paragraphs_are_hostile(sandbox: Sandbox, fmt: str, data: bytes) -> None:
    """Found by measuring: 1 MB of "1" lines (500 000 paragraphs) took 10 s and 635 MB to interpret."""
    outcome = in_sandbox(sandbox, data, fmt, "paragraphs.txt")
    assert outcome.error_type == "HostileInput" and "段落过多" in outcome.message, outcome.describe()


def test_many_paragraphs_in_docx_are_hostile() -> None:
    body = "".join(f"<w:p><w:r><w:t>第{i}段</w:t></w:r></w:p>" for i in range(50_001))
    data = replace_members(corpus_docx(), {"word/document.xml": document_xml(body)})
    with pytest.raises(HostileInput, match="段落过多"):
        read(data, format="docx", name="paragraphs.docx")
