"""Hand-built hostile PDFs, one builder per kind of attack on the PDF reader's time or memory.

Each builder returns the bytes of a small file (a few KB to about 1 MB) aimed at one place where pdfminer,
pdfplumber or the layout code does work out of proportion to the file's size: content streams holding huge
numbers of operators, operators reached many times through Form XObjects or shared content streams, stream
filters that inflate a little into a lot, fonts whose tables expand into millions of entries, and ruling that
makes a table of millions of cells. ``tests/fuzz/test_hostile_pdf.py`` reads each in the fuzz sandbox;
``bench/pdf_bench.py --hostile`` prints what each costs.

The streams are built inflated in memory only where that is small; bombs are compressed piece by piece.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

from tests.fuzz.strategies import build_pdf

PAGE_CONTENT = 512 * 1024 - 64  # just under the reader's bound on one page's decoded drawing instructions
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def repeat_to(unit: bytes, size: int, head: bytes = b"", tail: bytes = b"") -> bytes:
    """``head``, then ``unit`` repeated to about ``size`` bytes, then ``tail``."""
    return head + unit * max(1, (size - len(head) - len(tail)) // len(unit)) + tail


def deflated(size: int, unit: bytes = b"\0") -> bytes:
    """``size`` bytes of ``unit`` repeated, zlib-compressed in chunks (never held inflated)."""
    packer = zlib.compressobj(9)
    chunk = unit * ((1 << 20) // len(unit))
    parts = [packer.compress(chunk) for _ in range(size // len(chunk))]
    parts.append(packer.flush())
    return b"".join(parts)


def pages_pdf(
    contents: list[bytes],
    *,
    share: bool = False,
    pages: int | None = None,
    resources: str = "/Font << /F1 3 0 R >>",
    extra: list[bytes] | None = None,
    filters: str = " /Filter /FlateDecode",
    compress: bool = True,
    media_box: str = "0 0 595 842",
) -> bytes:
    """A PDF whose pages draw ``contents`` (one stream per page, or with ``share`` every one of ``pages`` pages
    drawing the first stream). Objects 1–3 are the catalog, the page tree and Helvetica; ``extra`` objects
    follow the content streams (number them from ``4 + len(contents)``)."""
    count = pages if pages is not None else len(contents)
    first_page = 4 + len(contents) + len(extra or [])
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (first_page + i) for i in range(count)), count),
        FONT,
    ]
    for body in contents:
        raw = zlib.compress(body, 9) if compress else body
        objects.append(b"<< /Length %d%s >>\nstream\n" % (len(raw), filters.encode()) + raw + b"\nendstream")
    objects.extend(extra or [])
    for i in range(count):
        content = 4 if share else 4 + i
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [%s] /Resources << %s >> /Contents %d 0 R >>"
            % (media_box.encode(), resources.encode(), content)
        )
    return build_pdf(objects)


def one_page(content: bytes, **kwargs: object) -> bytes:
    return pages_pdf([content], **kwargs)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------------
# Operators in content streams
# ---------------------------------------------------------------------------------------------------------


def text_show_operators() -> bytes:
    """Six pages of 70 000 one-glyph ``Tj`` each: every glyph becomes a layout character."""
    body = repeat_to(b"(A) Tj\n", PAGE_CONTENT, b"BT /F1 1 Tf 10 10 Td ", b"ET")
    return pages_pdf([body] * 6)


def long_text_string() -> bytes:
    """One ``Tj`` of half a million glyphs per page, six pages."""
    body = b"BT /F1 1 Tf 10 10 Td (" + b"A" * (PAGE_CONTENT - 40) + b") Tj ET"
    return pages_pdf([body] * 6)


def path_operators() -> bytes:
    """Six pages of 37 000 stroked ``m l S`` paths."""
    return pages_pdf([repeat_to(b"0 0 m 1 1 l S\n", PAGE_CONTENT)] * 6)


def rectangle_fills() -> bytes:
    """Six pages of 40 000 filled ``re f`` rectangles."""
    return pages_pdf([repeat_to(b"0 0 1 1 re f\n", PAGE_CONTENT)] * 6)


def long_path() -> bytes:
    """One path of 90 000 segments per page, stroked once."""
    return pages_pdf([repeat_to(b"1 1 l\n", PAGE_CONTENT, b"0 0 m ", b" S")] * 6)


def inline_images() -> bytes:
    """Six pages of 12 000 tiny inline images each."""
    return pages_pdf([repeat_to(b"BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI\n", PAGE_CONTENT)] * 6)


def inline_image_of_e_bytes() -> bytes:
    """An inline image whose data is 'E' bytes: pdfminer looks for ``EI`` one byte at a time, copying all
    the data read so far at every 'E' (quadratic)."""
    return one_page(b"BI /W 1000 /H 500 /BPC 8 /CS /G ID " + b"E" * (PAGE_CONTENT - 80) + b" EI")


def nested_saves() -> bytes:
    """Half a million ``q`` never restored: every one keeps a copy of the graphics state."""
    return pages_pdf([repeat_to(b"q ", PAGE_CONTENT)] * 6)


def operands_without_operators() -> bytes:
    """A quarter of a million numbers and no operator: the argument stack only grows."""
    return pages_pdf([repeat_to(b"1 ", PAGE_CONTENT)] * 6)


def operand_stack_pops() -> bytes:
    """130 000 operands then 130 000 one-operand operators: pdfminer copies the whole argument stack at
    every pop (quadratic)."""
    half = PAGE_CONTENT // 2
    return pages_pdf([repeat_to(b"1 ", half) + repeat_to(b"w ", half)] * 6)


def escaped_string() -> bytes:
    """A string of 100 000 octal escapes: pdfminer appends each decoded byte to a ``bytes`` (quadratic)."""
    body = b"BT /F1 1 Tf 10 10 Td (" + b"\\101" * ((PAGE_CONTENT - 40) // 4) + b") Tj ET"
    return pages_pdf([body] * 6)


def text_array() -> bytes:
    """``TJ`` arrays of 100 000 kerning numbers and glyphs."""
    return pages_pdf([repeat_to(b"(A) -1 ", PAGE_CONTENT, b"BT /F1 1 Tf 10 10 Td [", b"] TJ ET")] * 6)


def nested_arrays() -> bytes:
    """Arrays nested 250 000 deep."""
    return pages_pdf([repeat_to(b"[", PAGE_CONTENT)] * 6)


# ---------------------------------------------------------------------------------------------------------
# Work reached many times
# ---------------------------------------------------------------------------------------------------------


def form_drawn_many_times() -> bytes:
    """A Form XObject of 1000 paths drawn 50 000 times by a page: 50 million paths from a few KB."""
    form = repeat_to(b"0 0 m 1 1 l S\n", 14_000)
    packed = zlib.compress(form, 9)
    xobject = (
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Length %d /Filter /FlateDecode >>\nstream\n"
        % len(packed)
        + packed
        + b"\nendstream"
    )
    return pages_pdf(
        [repeat_to(b"/X1 Do\n", 350_000)],
        resources="/Font << /F1 3 0 R >> /XObject << /X1 5 0 R >>",
        extra=[xobject],
    )


def form_fan_out(depth: int = 8, fan: int = 10) -> bytes:
    """Forms each drawing the next one ten times, eight deep: 10^8 draws of the last form (no cycle, so
    pdfminer's circular-reference check does not stop it)."""
    first = 5
    extra = []
    for level in range(depth):
        if level + 1 < depth:
            body = b"/N Do " * fan
            res = b"/Resources << /XObject << /N %d 0 R >> >>" % (first + level + 1)
        else:
            body = b"BT /F1 1 Tf 0 0 Td (AAAAAAAAAA) Tj ET 0 0 m 1 1 l S"
            res = b"/Resources << /Font << /F1 3 0 R >> >>"
        extra.append(
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] %s /Length %d >>\nstream\n"
            % (res, len(body))
            + body
            + b"\nendstream"
        )
    return pages_pdf([b"/N Do " * fan], resources="/XObject << /N 5 0 R >>", extra=extra)


def form_chain(depth: int = 5000) -> bytes:
    """A chain of 5000 Forms each drawing the next: as deep as the interpreter's recursion goes."""
    first = 5
    extra = []
    for level in range(depth):
        nxt = first + level + 1 if level + 1 < depth else first
        body = b"0 0 m 1 1 l S /N Do"
        extra.append(
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /N %d 0 R >> >> /Length %d >>"
            b"\nstream\n" % (nxt, len(body)) + body + b"\nendstream"
        )
    return pages_pdf([b"/N Do"], resources="/XObject << /N 5 0 R >>", extra=extra)


def pages_sharing_heavy_stream() -> bytes:
    """500 pages all drawing one content stream of 37 000 paths (inflated once, interpreted 500 times)."""
    return pages_pdf([repeat_to(b"0 0 m 1 1 l S\n", PAGE_CONTENT)], share=True, pages=500)


def pages_sharing_many_streams() -> bytes:
    """500 pages each drawing the same 60 content streams of 8 KB (under the per-page bound together)."""
    body = zlib.compress(repeat_to(b"0 0 m 1 1 l S\n", 8000), 9)
    strm = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count 500 >>" % b" ".join(b"%d 0 R" % (5 + i) for i in range(500)),
        FONT,
        strm,
    ]
    contents = b"[" + b"4 0 R " * 60 + b"]"
    for _ in range(500):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %s >>" % contents)
    return build_pdf(objects)


def wide_page_tree() -> bytes:
    """A page tree whose root lists 150 000 kids, none of them a page."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b"3 0 R " * 150_000 + b"] /Count 1 >>",
        b"<< /Type /Pages /Kids [] /Count 0 >>",
    ]
    return build_pdf(objects)


def deep_page_tree(depth: int = 20_000) -> bytes:
    """Page-tree nodes nested 20 000 deep above one page."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (3 + level))
    objects.append(b"<< /Type /Page /MediaBox [0 0 595 842] >>")
    return build_pdf(objects)


# ---------------------------------------------------------------------------------------------------------
# Stream filters
# ---------------------------------------------------------------------------------------------------------


def lzw_encode(data: bytes) -> bytes:
    """LZW as PDF writes it (9 to 12 bit codes, early change), clearing the table when it is full."""
    table = {bytes([i]): i for i in range(256)}
    bits = 9
    out: list[tuple[int, int]] = [(256, bits)]
    word = b""
    for byte in data:
        candidate = word + bytes([byte])
        if candidate in table:
            word = candidate
            continue
        out.append((table[word], bits))
        table[candidate] = len(table) + 2  # 256 and 257 are the clear and end codes
        word = bytes([byte])
        decoded = len(table) + 1  # the decoder's table, one entry behind the encoder's
        if decoded >= 4094:
            out.append((256, bits))
            table = {bytes([i]): i for i in range(256)}
            bits = 9
        elif decoded in (511, 1023, 2047):
            bits += 1
    if word:
        out.append((table[word], bits))
    out.append((257, bits))
    return pack_codes(out)


def pack_codes(codes: list[tuple[int, int]]) -> bytes:
    acc, nbits, buf = 0, 0, bytearray()
    for code, bits in codes:
        acc = (acc << bits) | code
        nbits += bits
        while nbits >= 8:
            nbits -= 8
            buf.append((acc >> nbits) & 0xFF)
    if nbits:
        buf.append((acc << (8 - nbits)) & 0xFF)
    return bytes(buf)


def lzw_bomb_codes(repeats: int) -> bytes:
    """LZW codes that grow one entry to 3800 bytes, then name the longest entry ``repeats`` times: every
    1.5 bytes of input decode to 3.8 KB (pdfminer also keeps adding a table entry per code)."""
    codes = [(256, 9), (0, 9)]
    bits = 9
    entry = 258
    while entry < 4094:
        codes.append((entry, bits))  # the entry being defined: one zero longer than the last
        entry += 1
        if entry in (511, 1023, 2047):
            bits += 1
    codes += [(4093, 12)] * repeats
    return pack_codes(codes)


def lzw_bomb_content() -> bytes:
    """An LZW content stream of 60 KB that decodes to 150 MB of zeros."""
    body = lzw_bomb_codes(40_000)
    return one_page(body, filters=" /Filter /LZWDecode", compress=False)


def lzw_bomb_font() -> bytes:
    """A 60 KB LZW ToUnicode stream, reached when the font is loaded."""
    bomb = lzw_bomb_codes(40_000)
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 5 0 R >>"
    cmap = b"<< /Length %d /Filter /LZWDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream"
    return pages_pdf(
        [b"BT /F2 12 Tf 10 10 Td (A) Tj ET"], resources="/Font << /F2 6 0 R >>", extra=[cmap, font]
    )


def runlength_bomb() -> bytes:
    """RunLength runs of 128 zeros, flate-compressed: 100 KB that decode to 6 GB."""
    runs = deflated(100 << 20, b"\x81\x00")
    return one_page(runs, filters=" /Filter [/FlateDecode /RunLengthDecode]", compress=False)


def runlength_plain() -> bytes:
    """1 MB of RunLength runs (64 MB decoded), no other filter: pdfminer builds a list of Python ints."""
    return one_page(b"\x81\x00" * 500_000, filters=" /Filter /RunLengthDecode", compress=False)


def ascii_hex_lzw() -> bytes:
    """An LZW bomb wrapped in ASCIIHex: [/ASCIIHexDecode /LZWDecode]."""
    hexed = lzw_bomb_codes(40_000).hex().encode() + b">"
    return one_page(hexed, filters=" /Filter [/ASCIIHexDecode /LZWDecode]", compress=False)


def ascii85_zeros() -> bytes:
    """'z' stands for four zero bytes in ASCII85; flate-compressed, 100 KB decode to 400 MB and more."""
    zs = deflated(100 << 20, b"z")
    return one_page(zs, filters=" /Filter [/FlateDecode /ASCII85Decode]", compress=False)


def filter_chain() -> bytes:
    """Flate, then LZW, then RunLength: each under a few MB, together gigabytes."""
    runs = b"\x81\x00" * 200_000  # 25.6 MB once run-length decoded
    body = zlib.compress(lzw_encode(runs), 9)
    return one_page(body, filters=" /Filter [/FlateDecode /LZWDecode /RunLengthDecode]", compress=False)


def png_predictor_stream() -> bytes:
    """A 60 MB flate content stream under a PNG predictor: pdfminer un-predicts it byte by byte in Python."""
    rows = deflated(60 << 20, b"\x04" + b"\x01" * 999)
    return one_page(
        rows,
        filters=" /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 999 >>",
        compress=False,
    )


def object_stream_bomb() -> bytes:
    """The catalog kept in an object stream whose 60 KB of LZW decode to 150 MB, found through a
    cross-reference stream: decoded while the file is opened, before any page."""
    bomb = lzw_bomb_codes(40_000)
    out = bytearray(b"%PDF-1.5\n")
    offsets = {}
    offsets[2] = len(out)
    out += b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    offsets[3] = len(out)
    out += b"3 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Length %d /Filter /LZWDecode >>\nstream\n" % len(bomb)
    out += bomb + b"\nendstream\nendobj\n"
    offsets[4] = len(out)
    rows = struct.pack(">BIH", 0, 0, 65535) + struct.pack(">BIH", 2, 3, 0)
    rows += b"".join(struct.pack(">BIH", 1, offsets[n], 0) for n in (2, 3, 4))
    out += b"4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(rows)
    out += rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[4]
    return bytes(out)


# ---------------------------------------------------------------------------------------------------------
# Fonts
# ---------------------------------------------------------------------------------------------------------


def cid_font(extra_font: bytes = b"", extra_objects: list[bytes] | None = None) -> bytes:
    font = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [6 0 R]"
        + extra_font
        + b" >>"
    )
    descendant = (
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity)"
        b" /Supplement 0 >> /FontDescriptor 7 0 R /W [0 4294967295 500] >>"
    )
    descriptor = b"<< /Type /FontDescriptor /FontName /X /Flags 4 /FontBBox [0 0 1 1] /ItalicAngle 0 /Ascent 1 /Descent 0 /CapHeight 1 /StemV 1 >>"
    return pages_pdf(
        [b"BT /F2 12 Tf 10 10 Td <0001> Tj ET"],
        resources="/Font << /F2 5 0 R >>",
        extra=[font, descendant, descriptor, *(extra_objects or [])],
    )


def font_width_range() -> bytes:
    """A CID font whose /W gives one width to the codes 0 to 4 294 967 295: pdfminer fills a dict entry each."""
    return cid_font()


def tounicode_range() -> bytes:
    """A ToUnicode CMap mapping <00000000>–<FFFFFFFF> in one ``bfrange``: four billion entries."""
    cmap = b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n1 beginbfrange <00000000> <FFFFFFFF> <0000> endbfrange\n"
    simple = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 5 0 R >>"
    strm = b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream"
    return pages_pdf(
        [b"BT /F2 12 Tf 10 10 Td (A) Tj ET"], resources="/Font << /F2 6 0 R >>", extra=[strm, simple]
    )


def tounicode_many_ranges() -> bytes:
    """A ToUnicode CMap of 2000 ``bfrange`` lines of 65 536 codes each (130 million entries)."""
    cmap = b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n100 beginbfrange\n"
    cmap += b"<0000> <FFFF> <0000>\n" * 2000 + b"endbfrange\n"
    packed = zlib.compress(cmap, 9)
    simple = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 5 0 R >>"
    strm = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    return pages_pdf(
        [b"BT /F2 12 Tf 10 10 Td (A) Tj ET"], resources="/Font << /F2 6 0 R >>", extra=[strm, simple]
    )


def truetype_cmap(segments: int = 8000) -> bytes:
    """An embedded TrueType font whose cmap (format 4) has 8000 segments each covering all 65 536 codes:
    pdfminer walks every code of every segment (half a billion steps)."""
    seg2 = segments * 2
    ends = struct.pack(f">{segments}H", *([0xFFFF] * segments))
    starts = struct.pack(f">{segments}H", *([0] * segments))
    deltas = struct.pack(f">{segments}H", *([1] * segments))
    ranges = struct.pack(f">{segments}H", *([0] * segments))
    sub = struct.pack(">HHHHHHH", 4, 0, 0, seg2, 0, 0, 0) + ends + b"\0\0" + starts + deltas + ranges
    cmap = struct.pack(">HH", 0, 1) + struct.pack(">HHL", 3, 1, 12) + sub
    table_offset = 12 + 16
    ttf = (
        struct.pack(">LHHHH", 0x00010000, 1, 16, 0, 0)
        + b"cmap"
        + struct.pack(">LLL", 0, table_offset, len(cmap))
        + cmap
    )
    packed = zlib.compress(ttf, 9)
    fontfile = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    font = b"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [6 0 R] >>"
    descendant = (
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity)"
        b" /Supplement 0 >> /FontDescriptor 7 0 R >>"
    )
    descriptor = (
        b"<< /Type /FontDescriptor /FontName /X /Flags 4 /FontBBox [0 0 1 1] /ItalicAngle 0 /Ascent 1 /Descent 0"
        b" /CapHeight 1 /StemV 1 /FontFile2 8 0 R >>"
    )
    return pages_pdf(
        [b"BT /F2 12 Tf 10 10 Td <0001> Tj ET"],
        resources="/Font << /F2 5 0 R >>",
        extra=[font, descendant, descriptor, fontfile],
    )


def many_fonts(count: int = 10_000) -> bytes:
    """10 000 fonts in one page's resources, each switched to once for one glyph: every glyph stands apart,
    and pdfplumber's ``dedupe_chars`` restored their order with a linear search per glyph (20 000 took
    12 s)."""
    names = b" ".join(b"/F%d 3 0 R" % i for i in range(count))
    body = b"BT " + b"".join(b"/F%d 12 Tf (A) Tj " % i for i in range(count)) + b"ET"
    return pages_pdf([body], resources="/Font << " + names.decode() + " >>")


# ---------------------------------------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------------------------------------


def _rules(lines: int, step: float) -> bytearray:
    body = bytearray(b"0 0 0 RG 0.1 w ")
    end = 20 + lines * step
    for i in range(lines + 1):
        pos = 20 + i * step
        body += b"20 %.1f m %.1f %.1f l S %.1f 20 m %.1f %.1f l S " % (pos, end, pos, pos, pos, end)
    return body


def dense_grid(lines: int = 2900) -> bytes:
    """2900 horizontal and 2900 vertical rules 4 pt apart on a 14 400 pt page (under the layout's bound on
    ruling segments): a table of 8 million cells."""
    body = _rules(lines, 4.0) + b"BT /F1 1 Tf 30 30 Td (1) Tj ET"
    return pages_pdf([bytes(body)], media_box="0 0 14400 14400")


def grid_with_text(lines: int = 33, pages: int = 20) -> bytes:
    """Twenty pages of a 33 × 33 ruled grid (just under the layout's bound on grid points) with a glyph in
    every cell: each cell looked at every glyph of the page, and pdfplumber's cell finder compares every
    grid point with every other."""
    body = _rules(lines, 8.0) + b"BT /F1 6 Tf 22 22 Td "
    row = b"(1) Tj 8 0 Td " * lines
    body += (row + b"%d 8 Td " % (-8 * lines)) * lines + b"ET"
    return pages_pdf([bytes(body)] * pages, media_box="0 0 1200 1200")


HOSTILE_PDFS: dict[str, Callable[[], bytes]] = {
    "text-show-operators": text_show_operators,
    "long-text-string": long_text_string,
    "path-operators": path_operators,
    "rectangle-fills": rectangle_fills,
    "long-path": long_path,
    "inline-images": inline_images,
    "inline-image-of-e-bytes": inline_image_of_e_bytes,
    "nested-saves": nested_saves,
    "operands-without-operators": operands_without_operators,
    "operand-stack-pops": operand_stack_pops,
    "escaped-string": escaped_string,
    "text-array": text_array,
    "nested-arrays": nested_arrays,
    "form-drawn-many-times": form_drawn_many_times,
    "form-fan-out": form_fan_out,
    "form-chain": form_chain,
    "pages-sharing-heavy-stream": pages_sharing_heavy_stream,
    "pages-sharing-many-streams": pages_sharing_many_streams,
    "wide-page-tree": wide_page_tree,
    "deep-page-tree": deep_page_tree,
    "lzw-bomb-content": lzw_bomb_content,
    "lzw-bomb-font": lzw_bomb_font,
    "runlength-bomb": runlength_bomb,
    "runlength-plain": runlength_plain,
    "ascii-hex-lzw": ascii_hex_lzw,
    "ascii85-zeros": ascii85_zeros,
    "filter-chain": filter_chain,
    "png-predictor-stream": png_predictor_stream,
    "object-stream-bomb": object_stream_bomb,
    "font-width-range": font_width_range,
    "tounicode-range": tounicode_range,
    "tounicode-many-ranges": tounicode_many_ranges,
    "truetype-cmap": truetype_cmap,
    "many-fonts": many_fonts,
    "dense-grid": dense_grid,
    "grid-with-text": grid_with_text,
}


def _fan_out(first: int, depth: int, fan: int) -> list[bytes]:
    """Arrays each naming the next one ``fan`` times, ``depth`` deep: ``fan ** depth`` leaves if expanded."""
    objects = []
    for level in range(depth):
        if level + 1 < depth:
            objects.append(b"[" + b"%d 0 R " % (first + level + 1) * fan + b"]")
        else:
            objects.append(b"[0 0 595 842]")
    return objects


def info_fan_out() -> bytes:
    """A document Info entry whose array names another array 20 times, eight deep (20^8 leaves): pdfplumber
    resolves the metadata recursively, references and all, when the file is opened."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Title (x) /Keywords 5 0 R >>",
        *_fan_out(5, 8, 20),
    ]
    data = build_pdf(objects)
    return data.replace(b"/Root 1 0 R", b"/Root 1 0 R /Info 4 0 R")


def page_box_fan_out() -> bytes:
    """A page whose /CropBox is such an array tree: pdfplumber resolves page attributes recursively."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /CropBox 4 0 R >>",
        *_fan_out(4, 8, 20),
    ]
    return build_pdf(objects)


HOSTILE_PDFS["info-fan-out"] = info_fan_out
HOSTILE_PDFS["page-box-fan-out"] = page_box_fan_out


def font_box_fan_out() -> bytes:
    """A font descriptor whose /FontBBox is such an array tree: pdfminer resolves it recursively when the
    font is loaded."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /X /FirstChar 65 /LastChar 65 /Widths [500] /FontDescriptor 6 0 R >>"
    descriptor = b"<< /Type /FontDescriptor /FontName /X /Flags 4 /FontBBox 7 0 R /ItalicAngle 0 /Ascent 1 /Descent 0 >>"
    return pages_pdf(
        [b"BT /F2 12 Tf 10 10 Td (A) Tj ET"],
        resources="/Font << /F2 5 0 R >>",
        extra=[font, descriptor, *_fan_out(7, 8, 20)],
    )


HOSTILE_PDFS["font-box-fan-out"] = font_box_fan_out
