"""Keeping pdfminer's work on a PDF in proportion to the file: bounded stream decoding, a work budget, and
linear-time replacements for the places where pdfminer is quadratic.

A PDF is a program: a few KB can ask for gigabytes of decoded data or for billions of drawing steps. pdfminer
(20260107) bounds none of it, so the reader checks and meters every place where work can grow out of
proportion to the file's size:

* **Flate bombs, before parsing.** ``check_pdf_streams`` finds every zlib stream in the file (any ``stream``
  keyword followed by a zlib header: the scan needs no PDF parser, so a broken cross-reference table cannot
  hide a stream from it) and inflates it in bounded chunks through as many as three nested ``/FlateDecode``
  layers; a stream inflating beyond ``ReadLimits.max_part_bytes``, or all of them beyond
  ``max_unpacked_bytes``, is refused as ``HostileInput``.
* **Every filter, while decoding.** ``decode_stream`` takes the place of ``PDFStream.decode``: each filter of
  a chain (Flate, LZW, RunLength, ASCIIHex, ASCII85, and the predictors) stops as soon as its output passes
  ``max_part_bytes``, and all streams decoded for one document together may not pass ``max_unpacked_bytes``.
  pdfminer's own LZW decoder grows its table by one entry per code without end (60 KB of codes decoded to
  150 MB and kept as much again in the table) and its RunLength decoder builds a list of Python ints; the
  ones here give the same bytes with a 4096-entry table and ``bytearray`` runs. CCITT fax data is handed on
  undecoded, as pdfminer already does with JPEG and JBIG2: the reader never looks at image pixels, and
  pdfminer's fax decoder is quadratic.
* **A work budget per document.** Reading costs what the file asks for, not what it weighs: 6 KB of flate
  holding 200 000 paths took 16 s, a Form XObject of 1000 paths drawn 50 000 times took 43 s and 1 GB. A
  ``WorkBudget`` (``ReadLimits.pdf_work_per_mb`` units per MB of file, at least one MB's worth) is charged
  for every token any pdfminer parser reads, every glyph, path segment and image the page device receives,
  every Form XObject drawn, every resource set up, every entry a font's width table or character map
  expands to, and every byte decoded; the costs below are measured CPU microseconds on the reference
  machine (2 cores), so the budget is a deterministic stand-in for the contract's 5 s of CPU per MB. A page
  also may not hold more than ``max_pdf_page_objects`` objects (about 2 KB of memory each), and Form
  XObjects may nest ``max_pdf_form_depth`` deep.
* **Quadratic places made linear.** pdfminer builds literal strings and names with ``bytes +=`` once per
  escape (100 000 octal escapes: 28 s), searches inline image data for ``EI`` the same way, pops the
  operand stack by copying it (130 000 operands: over a minute), and inflates a stream with a broken
  checksum one byte at a time (62 KB inflating to 32 MB: 96 s). The replacements give the same results in
  linear time.

``install`` puts the replacements and meters in pdfminer's place (once per process; without an active
budget they only bound and fix, they charge nothing); ``working`` makes a budget the active one for the
code that reads one document.
"""

from __future__ import annotations

import logging
import re
import struct
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, BinaryIO, NoReturn

from pdfminer import cmapdb, pdffont, psparser, settings
from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.layout import LAParams
from pdfminer.pdfinterp import PDFContentParser, PDFPageInterpreter, PDFResourceManager, PDFStackT
from pdfminer.pdftypes import (
    LITERAL_CRYPT,
    LITERALS_ASCII85_DECODE,
    LITERALS_ASCIIHEX_DECODE,
    LITERALS_CCITTFAX_DECODE,
    LITERALS_DCT_DECODE,
    LITERALS_FLATE_DECODE,
    LITERALS_JBIG2_DECODE,
    LITERALS_JPX_DECODE,
    LITERALS_LZW_DECODE,
    LITERALS_RUNLENGTH_DECODE,
    PDFNotImplementedError,
    PDFStream,
    int_value,
    resolve1,
)
from pdfminer.psparser import LIT, PSBaseParser
from pdfminer.utils import apply_png_predictor, apply_tiff_predictor, choplist, nunpack
from pdfplumber.page import PDFPageAggregatorWithMarkedContent

from gongkai.errors import HostileInput
from gongkai.readers.limits import DEFAULT_LIMITS, WORK_ENV_VAR, ReadLimits

_STREAM = re.compile(rb"stream\r?\n")
IN_CHUNK = 64 * 1024
OUT_CHUNK = 1024 * 1024
MAX_LAYERS = 3  # /Filter [/FlateDecode /FlateDecode …]: a bomb compressed again is a few KB

logger = logging.getLogger("pdfminer.pdftypes")  # the warning pdfminer's own function logs, under its name

# ---------------------------------------------------------------------------------------------------------
# What work costs, in budget units (about a microsecond of CPU each, measured with bench/pdf_bench.py
# --hostile: the whole read of a file made of nothing but that kind of work, divided by its count)
# ---------------------------------------------------------------------------------------------------------

TOKEN = 5  # a token read by any pdfminer parser (content streams, objects, character maps, font headers)
RESOLVED = (
    1  # an object visited by a recursive resolver (pdfplumber resolves every attribute of every object)
)
SAVE = 5  # ``q``: a copy of the graphics state, on top of its token
GLYPH = 70  # a character: pdfminer's LTChar, pdfplumber's dict, the layout's clustering
PATH = 60  # a painted path: LTLine/LTRect/LTCurve, pdfplumber's dict, the ruling-line search
SEGMENT = 8  # one segment of a painted path (points transformed, copied, compared)
IMAGE = 100  # an image or inline image (LTImage and its dict; pixels are never decoded)
FORM = 60  # a Form XObject drawn: a sub-interpreter, state and resources set up again
RESOURCE = 2  # one font, colour space or XObject entry set up for a page or a form
ENTRY = 1  # one entry of a font's width table or character map
CODE = 1  # one LZW code or RunLength run decoded in Python
PREDICTED = 1  # one byte through pdfminer's PNG or TIFF predictor (a Python loop per byte)
CELL = 100  # a table position: pdfplumber's cell finder, filling it with its glyphs, reading it as a cell
PAGE = 500  # a page: pdfplumber's page object, the layout of even an empty page
DECODED_KB = 2  # a KB decoded by a C-speed filter (zlib, hex, ASCII85) and handed on

_KINDS = {  # what a refusal names: the kind of work that used most of the budget
    "token": ("解析的指令和对象", "个记号"),
    "glyph": ("字符", "个"),
    "path": ("图形路径", "条"),
    "image": ("图像", "个"),
    "form": ("表单对象（Form XObject）的绘制", "次"),
    "font": ("字体宽度表和字符映射表的条目", "个"),
    "table": ("表格单元格", "个"),
    "decode": ("数据流解码", "字节"),
    "page": ("页面", "页"),
}


class WorkBudget:
    """The work one document may cost. ``charge`` raises ``HostileInput`` once it is spent, and keeps
    raising the same error at every later charge: pdfminer catches and logs some exceptions and goes on, so
    the reader also checks ``refusal`` when it regains control."""

    def __init__(self, source: str, size: int, limits: ReadLimits) -> None:
        self.source = source
        self.limits = limits
        self.total = int(limits.pdf_work_per_mb * max(1.0, size / 1_000_000))
        self.left = self.total
        self.units = dict.fromkeys(_KINDS, 0)
        self.counts = dict.fromkeys(_KINDS, 0)
        self.tokens = 0  # counted apart from ``counts``: the tokenizer charges them one by one
        self.resolved = 0  # so are the objects the recursive resolvers visit
        self.decoded = 0  # bytes of all streams decoded so far
        self.refusal: HostileInput | None = None

    def charge(self, kind: str, units: int, count: int = 1) -> None:
        """Spend ``units`` on ``count`` pieces of work of ``kind``."""
        self.counts[kind] += count
        self.units[kind] += units
        self.left -= units
        if self.left < 0:
            self.exhausted()

    def spent(self) -> tuple[dict[str, int], dict[str, int]]:
        """Units and counts per kind of work so far."""
        units, counts = dict(self.units), dict(self.counts)
        units["token"] += self.tokens * TOKEN + self.resolved * RESOLVED
        counts["token"] += self.tokens + self.resolved
        return units, counts

    def exhausted(self) -> NoReturn:
        units, counts = self.spent()
        kind = max(units, key=units.__getitem__)
        what, unit = _KINDS[kind]
        self.refuse(
            f"PDF 的{what}过多（{counts[kind]} {unit}），工作量超过此大小的文件允许的上限，远超正常报告，拒绝读取",
            f"如确为篇幅很长的正常报告，可将环境变量 {WORK_ENV_VAR} 调高后重试（当前每 MB "
            f"{self.limits.pdf_work_per_mb}）",
        )

    def refuse(self, problem: str, hint: str = "") -> NoReturn:
        if self.refusal is None:
            self.refusal = HostileInput(self.source, problem, hint)
            self.left = -1  # every later charge raises it again
        raise self.refusal

    def check(self) -> None:
        """Raise the refusal if any part of pdfminer met it (and perhaps swallowed it)."""
        if self.refusal is not None:
            raise self.refusal


_ACTIVE: ContextVar[WorkBudget | None] = ContextVar("gongkai_pdf_budget", default=None)


@contextmanager
def working(budget: WorkBudget) -> Iterator[WorkBudget]:
    """Make ``budget`` the one pdfminer's parsers and decoders charge while the block runs."""
    install()
    token = _ACTIVE.set(budget)
    try:
        yield budget
    finally:
        _ACTIVE.reset(token)


def _charge(kind: str, units: int, count: int = 1) -> None:
    budget = _ACTIVE.get()
    if budget is not None:
        budget.charge(kind, units, count)


# ---------------------------------------------------------------------------------------------------------
# Flate bombs, found before parsing
# ---------------------------------------------------------------------------------------------------------


def _zlib_header(head: bytes) -> bool:
    return (
        len(head) >= 2 and head[0] & 0x0F == 8 and head[0] >> 4 <= 7 and ((head[0] << 8) | head[1]) % 31 == 0
    )


def check_pdf_streams(data: bytes, source: str, limits: ReadLimits) -> None:
    """Raise ``HostileInput`` when a zlib stream of the file inflates beyond the limits."""
    total = 0
    for match in _STREAM.finditer(data):
        start = match.end()
        if _zlib_header(data[start : start + 2]):
            total = _inflate_stream(data, start, total, source, limits)


def _inflate_stream(data: bytes, start: int, total: int, source: str, limits: ReadLimits) -> int:
    """Inflate one stream (and flate layers inside it) in bounded chunks; returns the running total."""
    layers = [zlib.decompressobj()]
    sizes = [0]
    pos = start
    pending = b""
    try:
        while not layers[0].eof:
            if pending:
                chunk, pending = pending, b""
            else:
                chunk = data[pos : pos + IN_CHUNK]
                pos += len(chunk)
                if not chunk:
                    break
            out = layers[0].decompress(chunk, OUT_CHUNK)
            pending = layers[0].unconsumed_tail
            total = _count(out, 0, layers, sizes, total, source, limits)
    except zlib.error:
        pass  # a corrupt stream: what inflated before the error is counted, pdfminer stops there too
    return total


def _count(
    out: bytes,
    level: int,
    layers: list[zlib._Decompress],
    sizes: list[int],
    total: int,
    source: str,
    limits: ReadLimits,
) -> int:
    """Count ``out`` (produced by layer ``level``) and pass it on to the next flate layer, if it has one."""
    if not out:
        return total
    sizes[level] += len(out)
    total += len(out)
    if sizes[level] > limits.max_part_bytes:
        raise HostileInput(source, _too_large_one(limits))
    if total > limits.max_unpacked_bytes:
        raise HostileInput(source, _too_large_all(limits))
    if (
        level + 1 == len(layers)
        and sizes[level] == len(out)
        and level + 1 < MAX_LAYERS
        and _zlib_header(out[:2])
    ):
        layers.append(zlib.decompressobj())  # the layer's first bytes open another zlib stream
        sizes.append(0)
    if level + 1 < len(layers):
        inner = layers[level + 1]
        try:
            while out and not inner.eof:
                produced = inner.decompress(out, OUT_CHUNK)
                out = inner.unconsumed_tail
                total = _count(produced, level + 1, layers, sizes, total, source, limits)
        except zlib.error:
            del layers[level + 1 :]  # not a zlib stream after all (or corrupt): stop counting it
            del sizes[level + 1 :]
    return total


def _too_large_one(limits: ReadLimits) -> str:
    return f"PDF 中一个数据流解压后过大（超过 {_mb(limits.max_part_bytes)}），疑似压缩炸弹，拒绝读取"


def _too_large_all(limits: ReadLimits) -> str:
    return f"PDF 的数据流解压后合计过大（超过 {_mb(limits.max_unpacked_bytes)}），疑似压缩炸弹，拒绝读取"


def decompress_corrupted(data: bytes, limit: int | None = None) -> bytes:
    """``pdfminer.pdftypes.decompress_corrupted`` in linear time: the same bytes, the same error. With a
    ``limit``, raises ``OverflowError`` as soon as the output passes it."""
    inflater = zlib.decompressobj()
    out = bytearray()
    for start in range(0, len(data), IN_CHUNK):
        chunk = data[start : start + IN_CHUNK]
        saved = inflater.copy()
        try:
            out += inflater.decompress(chunk)
            if limit is not None and len(out) > limit:
                raise OverflowError(len(out))
            continue
        except zlib.error:
            inflater = saved
        for i in range(len(chunk)):  # replay the chunk byte by byte to keep what came before the bad byte
            try:
                out += inflater.decompress(chunk[i : i + 1])
                if limit is not None and len(out) > limit:
                    raise OverflowError(len(out))
            except zlib.error:
                if start + i < len(data) - 3:  # not in the trailing checksum: really corrupt
                    raise
                logger.warning("Data-loss while decompressing corrupted data")
                return bytes(out)
    return bytes(out)


# ---------------------------------------------------------------------------------------------------------
# Bounded decoding of every filter
# ---------------------------------------------------------------------------------------------------------


class _StreamTooLarge(Exception):
    """A decoder's output passed its bound."""


def decode_stream(self: PDFStream) -> None:
    """``PDFStream.decode`` with every filter's output bounded (installed in its place by ``install``)."""
    assert self.data is None and self.rawdata is not None, str((self.data, self.rawdata))
    budget = _ACTIVE.get()
    limits = budget.limits if budget is not None else DEFAULT_LIMITS
    data = self.rawdata
    if self.decipher:
        assert self.objid is not None
        assert self.genno is not None
        data = self.decipher(self.objid, self.genno, data, self.attrs)
    filters = self.get_filters()
    try:
        for f, params in filters:
            data = _decode_one(f, data, limits.max_part_bytes)
            if len(data) > limits.max_part_bytes:
                raise _StreamTooLarge
            if isinstance(params, dict) and "Predictor" in params:
                data = _unpredict(params, data)
    except _StreamTooLarge:
        _refuse(budget, _too_large_one(limits))
    if filters and budget is not None:
        budget.decoded += len(data)
        if budget.decoded > limits.max_unpacked_bytes:
            budget.refuse(_too_large_all(limits))
    self.data = data
    self.rawdata = None


def _refuse(budget: WorkBudget | None, problem: str) -> NoReturn:
    if budget is not None:
        budget.refuse(problem)
    raise HostileInput("PDF", problem)


def _decode_one(f: object, data: bytes, limit: int) -> bytes:
    """One filter of a chain, its output bounded by ``limit`` (``_StreamTooLarge`` beyond it)."""
    if f in LITERALS_FLATE_DECODE:
        inflater = zlib.decompressobj()
        try:
            out = inflater.decompress(data, limit + 1)
        except zlib.error as exc:
            if settings.STRICT:
                raise PDFNotImplementedError(f"Invalid zlib bytes: {exc!r}") from exc
            try:
                out = decompress_corrupted(data, limit)
            except zlib.error:
                out = b""
            except OverflowError as overflow:
                raise _StreamTooLarge from overflow
        _charge("decode", (len(out) >> 10) * DECODED_KB, len(out))
        return out
    if f in LITERALS_LZW_DECODE:
        return lzw_decode(data, limit)
    if f in LITERALS_RUNLENGTH_DECODE:
        return runlength_decode(data, limit)
    if f in LITERALS_ASCII85_DECODE or f in LITERALS_ASCIIHEX_DECODE:
        if f in LITERALS_ASCII85_DECODE and data.count(b"z") * 4 + len(data) > limit:
            raise _StreamTooLarge  # 'z' is four zero bytes: the only way ASCII85 grows
        out = ascii85decode(data) if f in LITERALS_ASCII85_DECODE else asciihexdecode(data)
        _charge("decode", (len(out) >> 10) * DECODED_KB, len(out))
        return out
    if f in LITERALS_CCITTFAX_DECODE or f in LITERALS_DCT_DECODE or f in LITERALS_JBIG2_DECODE:
        return data  # image data, never looked at by the reader (and pdfminer's fax decoder is quadratic)
    if f in LITERALS_JPX_DECODE:
        return data
    if f == LITERAL_CRYPT:
        raise PDFNotImplementedError("/Crypt filter is unsupported")
    raise PDFNotImplementedError(f"Unsupported filter: {f!r}")


def _unpredict(params: dict[str, Any], data: bytes) -> bytes:
    """pdfminer's predictors, charged by the byte (they loop over bytes in Python)."""
    pred = int_value(params["Predictor"])
    if pred == 1:
        return data
    colors = int_value(params.get("Colors", 1))
    columns = int_value(params.get("Columns", 1))
    bits = int_value(params.get("BitsPerComponent", 8))
    _charge("decode", len(data) * PREDICTED, len(data))
    if pred == 2:
        return apply_tiff_predictor(colors, columns, bits, data)
    if pred >= 10:
        return apply_png_predictor(pred, colors, columns, bits, data)
    raise PDFNotImplementedError(f"Unsupported predictor: {pred!r}")


def lzw_decode(data: bytes, limit: int) -> bytes:
    """``pdfminer.lzw.lzwdecode``'s bytes with its output bounded by ``limit``.

    The same reading of the codes (9 to 12 bits, widening when the table reaches 511, 1023 and 2047
    entries; a corrupt code ends the data, and so does the end of the input, EOD or not) but a table that
    stops growing at 4096 entries: a 12-bit code cannot name a later one, and pdfminer's table grows by an
    entry (up to 4 KB) for every code read."""
    out = bytearray()
    table: list[bytes] = []
    prev: bytes | None = None
    nbits = 9
    acc = 0
    held = 0  # bits in ``acc``
    pos = 0
    codes = 0
    size = len(data)
    while True:
        while held < nbits:
            if pos >= size:
                _charge("decode", (codes & 0xFFF) * CODE, len(out))
                return bytes(out)
            acc = (acc << 8) | data[pos]
            pos += 1
            held += 8
        held -= nbits
        code = (acc >> held) & ((1 << nbits) - 1)
        acc &= (1 << held) - 1
        codes += 1
        if not codes & 0xFFF:  # charged as it goes: the codes may be 64 MB inflated from a few KB
            _charge("decode", 0x1000 * CODE, 0)
        if code == 256:
            table = [bytes((c,)) for c in range(256)] + [b"", b""]
            prev = b""
            nbits = 9
            continue
        if code == 257:
            continue
        if not prev:
            if code >= len(table):
                break  # pdfminer fails here (no table yet, or a code past it): the data ends
            x = prev = table[code]
        else:
            if code < len(table):
                x = table[code]
                if len(table) < 4096:
                    table.append(prev + x[:1])
            elif code == len(table):
                x = prev + prev[:1]
                table.append(x)
            else:
                break  # corrupt: pdfminer stops yielding there
            length = len(table)
            if length == 511:
                nbits = 10
            elif length == 1023:
                nbits = 11
            elif length == 2047:
                nbits = 12
            prev = x
        out += x
        if len(out) > limit:
            raise _StreamTooLarge
    _charge("decode", (codes & 0xFFF) * CODE, len(out))
    return bytes(out)


def runlength_decode(data: bytes, limit: int) -> bytes:
    """``pdfminer.runlength.rldecode``'s bytes with its output bounded by ``limit`` (a run cut short by the
    end of the data ends it; pdfminer raises there)."""
    out = bytearray()
    pos = 0
    size = len(data)
    runs = 0
    while pos < size:
        length = data[pos]
        pos += 1
        runs += 1
        if not runs & 0xFFF:
            _charge("decode", 0x1000 * CODE, 0)
        if length == 128:
            break
        if length < 128:
            out += data[pos : pos + length + 1]
            pos += length + 1
        elif pos < size:
            out += data[pos : pos + 1] * (257 - length)
            pos += 1
        if len(out) > limit:
            raise _StreamTooLarge
    _charge("decode", (runs & 0xFFF) * CODE, len(out))
    return bytes(out)


# ---------------------------------------------------------------------------------------------------------
# The tokenizer: tokens charged, strings and names built in linear time
# ---------------------------------------------------------------------------------------------------------

_END_STRING = re.compile(rb"[()\\]")
_END_LITERAL = re.compile(rb"[#/%\[\]()<>{}\s]")
_OCT_STRING = re.compile(rb"[0-7]")
_HEX = re.compile(rb"[0-9a-fA-F]")
_ESC_STRING = {b"b": 8, b"t": 9, b"n": 10, b"f": 12, b"r": 13, b"(": 40, b")": 41, b"\\": 92}

_original_nexttoken = PSBaseParser.nexttoken


def _nexttoken(self: PSBaseParser) -> tuple[int, psparser.PSBaseParserToken]:
    budget = _ACTIVE.get()
    if budget is not None:
        budget.tokens += 1
        budget.left -= TOKEN
        if budget.left < 0:
            budget.exhausted()
    return _original_nexttoken(self)


def _growing(parser: PSBaseParser) -> bytearray:
    """The token being read as a ``bytearray``: ``+=`` then appends in place instead of copying it."""
    token = parser._curtoken
    if isinstance(token, bytearray):
        return token
    grown = bytearray(token)
    parser._curtoken = grown  # type: ignore[assignment]
    return grown


def _parse_literal(self: PSBaseParser, s: bytes, i: int) -> int:
    """``PSBaseParser._parse_literal`` over a growing token (names with many ``#xx`` escapes)."""
    m = _END_LITERAL.search(s, i)
    if not m:
        _growing(self).extend(s[i:])
        return len(s)
    j = m.start(0)
    _growing(self).extend(s[i:j])
    c = s[j : j + 1]
    if c == b"#":
        self.hex = b""
        self._parse1 = self._parse_literal_hex
        return j + 1
    raw = bytes(self._curtoken)
    try:
        name: str | bytes = str(raw, "utf-8")
    except Exception:
        name = raw
    self._add_token(LIT(name))
    self._parse1 = self._parse_main
    return j


def _parse_literal_hex(self: PSBaseParser, s: bytes, i: int) -> int:
    c = s[i : i + 1]
    if _HEX.match(c) and len(self.hex) < 2:
        self.hex += c
        return i + 1
    if self.hex:
        _growing(self).append(int(self.hex, 16))
    self._parse1 = self._parse_literal
    return i


def _parse_string(self: PSBaseParser, s: bytes, i: int) -> int:
    """``PSBaseParser._parse_string`` over a growing token (strings with many escapes or parentheses)."""
    m = _END_STRING.search(s, i)
    token = _growing(self)
    if not m:
        token.extend(s[i:])
        return len(s)
    j = m.start(0)
    token.extend(s[i:j])
    c = s[j : j + 1]
    if c == b"\\":
        self.oct = b""
        self._parse1 = self._parse_string_1
        return j + 1
    if c == b"(":
        self.paren += 1
        token.extend(c)
        return j + 1
    if c == b")":
        self.paren -= 1
        if self.paren:
            token.extend(c)
            return j + 1
    self._add_token(bytes(token))
    self._parse1 = self._parse_main
    return j + 1


def _parse_string_1(self: PSBaseParser, s: bytes, i: int) -> int:
    c = s[i : i + 1]
    if _OCT_STRING.match(c) and len(self.oct) < 3:
        self.oct += c
        return i + 1
    if self.oct:
        chrcode = int(self.oct, 8)
        assert chrcode < 256, f"Invalid octal {self.oct!r} ({chrcode})"
        _growing(self).append(chrcode)
        self._parse1 = self._parse_string
        return i
    if c in _ESC_STRING:
        _growing(self).append(_ESC_STRING[c])
    elif c == b"\r" and len(s) > i + 1 and s[i + 1 : i + 2] == b"\n":
        i += 1  # a line break after a backslash is ignored
    self._parse1 = self._parse_string
    return i + 1


def _get_inline_data(self: PDFContentParser, pos: int, target: bytes = b"EI") -> tuple[int, bytes]:
    """``PDFContentParser.get_inline_data`` collecting into a ``bytearray`` (pdfminer copies all the data
    read so far at every byte that begins the end marker)."""
    self.seek(pos)
    i = 0
    data = bytearray()
    while i <= len(target):
        self.fillbuf()
        if i:
            ci = self.buf[self.charpos]
            data.append(ci)
            self.charpos += 1
            c = bytes((ci,))
            if (len(target) <= i and c.isspace()) or (i < len(target) and ci == target[i]):
                i += 1
            else:
                i = 0
        else:
            j = self.buf.find(target[0], self.charpos)
            if j >= 0:
                data += self.buf[self.charpos : j + 1]
                self.charpos = j + 1
                i = 1
            else:
                data += self.buf[self.charpos :]
                self.charpos = len(self.buf)
    del data[len(data) - (len(target) + 1) :]
    return (pos, re.sub(rb"(\x0d\x0a|[\x0d\x0a])$", b"", bytes(data)))


# ---------------------------------------------------------------------------------------------------------
# Fonts: width tables and character maps charged before they expand
# ---------------------------------------------------------------------------------------------------------

_original_get_widths = pdffont.get_widths
_original_get_widths2 = pdffont.get_widths2


def _range_count(seq: Sequence[object], group: int) -> int:
    """Entries a /W (``group`` 3) or /W2 (``group`` 5) array fills: ``first last value…`` ranges count
    their span, ``first [values]`` lists count themselves."""
    count = 0
    numbers: list[object] = []
    for v in seq:
        v = resolve1(v)
        if isinstance(v, list):
            count += len(v)
            numbers = []
        elif isinstance(v, int | float):
            numbers.append(v)
            if len(numbers) == group:
                first, last = numbers[0], numbers[1]
                if isinstance(first, int) and isinstance(last, int):
                    count += max(0, last - first + 1)
                numbers = []
    return count


def _get_widths(seq: Any) -> dict[str | int, float]:
    items = list(seq)
    _charge("font", (n := _range_count(items, 3)) * ENTRY, n)
    return _original_get_widths(items)


def _get_widths2(seq: Any) -> dict[int, tuple[float, tuple[float, float]]]:
    items = list(seq)
    _charge("font", (n := _range_count(items, 5)) * ENTRY, n)
    return _original_get_widths2(items)


_original_cmap_keyword = cmapdb.CMapParser.do_keyword


def _cmap_keyword(self: cmapdb.CMapParser, pos: int, token: psparser.PSKeyword) -> None:
    """Charge the entries a ``bfrange`` or ``cidrange`` section expands to, before pdfminer loops over them
    (one range of four-byte codes is four billion entries)."""
    bf = token is self.KEYWORD_ENDBFRANGE
    if bf or token is self.KEYWORD_ENDCIDRANGE:
        entries = 0
        for start, end, code in choplist(3, [obj for (_, obj) in self.curstack]):
            if not (isinstance(start, bytes) and isinstance(end, bytes) and len(start) == len(end)):
                continue
            if bf and isinstance(code, list):
                entries += len(code)  # pdfminer zips the range with the list
                continue
            try:  # the codes as pdfminer reads them: whole for bfrange, the last four bytes for cidrange
                entries += max(0, nunpack(end if bf else end[-4:]) - nunpack(start if bf else start[-4:]) + 1)
            except Exception:
                continue  # pdfminer fails on this range too
        _charge("font", entries * ENTRY, entries)
    _original_cmap_keyword(self, pos, token)


def _peek(fp: BinaryIO, fmt: str, skip: int = 0) -> tuple[Any, ...]:
    """Unpack ``fmt`` at ``skip`` bytes past the file position, leaving the position where it was."""
    where = fp.tell()
    try:
        fp.seek(where + skip)
        raw = fp.read(struct.calcsize(fmt))
        return struct.unpack(fmt, raw) if len(raw) == struct.calcsize(fmt) else ()
    finally:
        fp.seek(where)


def _cmap_steps(fp: BinaryIO, fmttype: int) -> int:
    """The characters a TrueType cmap subtable of format 2, 4 or 12 makes pdfminer walk (its segments and
    groups may all cover the whole code space)."""
    if fmttype == 2:
        keys = _peek(fp, ">256H", 4)
        if not keys:
            return 0
        nhdrs = max(keys) // 8 + 1
        headers = _peek(fp, f">{4 * nhdrs}H", 4 + 512)
        return sum(headers[1::4])
    if fmttype == 4:
        head = _peek(fp, ">H", 4)
        segcount = head[0] // 2 if head else 0
        ends = _peek(fp, f">{segcount}H", 12)
        starts = _peek(fp, f">{segcount}H", 14 + 2 * segcount)
        return sum(max(0, e - s + 1) for e, s in zip(ends, starts, strict=False))
    head = _peek(fp, ">I", 10)
    groups = head[0] if head else 0
    table = _peek(fp, f">{3 * min(groups, 1 << 20)}I", 14)
    return sum(max(0, e - s + 1) for s, e in zip(table[0::3], table[1::3], strict=False))


def _counted_cmap_format(fmttype: int) -> Callable[..., None]:
    original = getattr(pdffont.TrueTypeFont, f"parse_cmap_format_{fmttype}")

    def parse(self: pdffont.TrueTypeFont, fp: BinaryIO, char2gid: dict[int, int]) -> None:
        _charge("font", (n := _cmap_steps(fp, fmttype)) * ENTRY, n)
        original(self, fp, char2gid)

    parse.__doc__ = f"pdfminer's cmap format {fmttype} parser, its steps charged first."
    return parse


# ---------------------------------------------------------------------------------------------------------
# The page interpreter and device: drawing work charged, forms bounded
# ---------------------------------------------------------------------------------------------------------


class BoundedInterpreter(PDFPageInterpreter):
    """pdfminer's page interpreter, charging the budget for what it draws and sets up; Form XObjects nest
    at most ``max_pdf_form_depth`` deep."""

    def __init__(self, rsrcmgr: PDFResourceManager, device: BoundedDevice, depth: int = 0) -> None:
        super().__init__(rsrcmgr, device)
        self.bounded = device
        self.depth = depth

    def dup(self) -> BoundedInterpreter:
        budget = self.bounded.budget
        if self.depth + 1 > budget.limits.max_pdf_form_depth:
            budget.refuse(
                f"PDF 的表单对象（Form XObject）嵌套超过 {budget.limits.max_pdf_form_depth} 层，拒绝读取"
            )
        budget.charge("form", FORM)
        return BoundedInterpreter(self.rsrcmgr, self.bounded, self.depth + 1)

    def init_resources(self, resources: dict[object, object]) -> None:
        entries = 0
        if isinstance(resources, dict):
            for value in resources.values():
                value = resolve1(value)
                if isinstance(value, dict | list):
                    entries += len(value)
        self.bounded.budget.charge("form", entries * RESOURCE, 0)
        super().init_resources(resources)

    def pop(self, n: int) -> list[PDFStackT]:
        """The last ``n`` operands, removed in place (pdfminer copies the rest of the stack every time)."""
        if n == 0:
            return []
        x = self.argstack[-n:]
        del self.argstack[-n:]
        return x

    def do_q(self) -> None:
        self.bounded.budget.charge("token", SAVE, 0)
        super().do_q()


class BoundedDevice(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's page device, charging the budget for each glyph, path and image, and refusing a page
    with more than ``max_pdf_page_objects`` of them."""

    def __init__(
        self, rsrcmgr: PDFResourceManager, pageno: int, laparams: LAParams | None, budget: WorkBudget
    ) -> None:
        super().__init__(rsrcmgr, pageno=pageno, laparams=laparams)
        self.budget = budget
        self.objects = 0

    def _add(self, kind: str, units: int) -> None:
        self.budget.charge(kind, units)
        self.objects += 1
        if self.objects > self.budget.limits.max_pdf_page_objects:
            self.budget.refuse(
                f"第{self.pageno}页的字符、线条和图像超过 {self.budget.limits.max_pdf_page_objects} 个，"
                "远超正常报告页面，拒绝读取"
            )

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        self._add("glyph", GLYPH)
        advance: float = super().render_char(*args, **kwargs)
        return advance

    def paint_path(self, *args: Any, **kwargs: Any) -> None:
        path = args[4] if len(args) > 4 else kwargs.get("path", ())
        self._add("path", PATH + SEGMENT * len(path))
        super().paint_path(*args, **kwargs)

    def render_image(self, *args: Any, **kwargs: Any) -> None:
        self._add("image", IMAGE)
        super().render_image(*args, **kwargs)


def interpret_page(page: Any, budget: WorkBudget) -> None:
    """Lay out one pdfplumber page with the bounded interpreter; pdfplumber then reads its objects from the
    layout cached on the page (as if its own interpreter had made it)."""
    pdf = page.pdf
    device = BoundedDevice(pdf.rsrcmgr, page.page_number, pdf.laparams, budget)
    BoundedInterpreter(pdf.rsrcmgr, device).process_page(page.page_obj)
    page._layout = device.get_result()


# ---------------------------------------------------------------------------------------------------------
# pdfplumber's recursive resolving
# ---------------------------------------------------------------------------------------------------------


def _metered(original: Callable[..., Any]) -> Callable[..., Any]:
    """One of the recursive resolvers of pdfminer (font widths and boxes) and pdfplumber (metadata, page
    attributes), charged a token per object it visits: they expand shared references, so arrays naming
    arrays 20 times, eight deep, are 20^8 objects (21 s and 1 GB before the charge). Their recursion goes
    through the module's name, so every level is charged."""

    def resolve(*args: Any, **kwargs: Any) -> Any:
        budget = _ACTIVE.get()
        if budget is not None:
            budget.resolved += 1
            budget.left -= RESOLVED
            if budget.left < 0:
                budget.exhausted()
        return original(*args, **kwargs)

    resolve.__doc__ = original.__doc__
    return resolve


def _meter_resolvers() -> None:
    from pdfminer import pdftypes
    from pdfplumber import page, pdf
    from pdfplumber.utils import pdfinternals

    resolvers: list[tuple[Any, str, tuple[Any, ...]]] = [
        (pdftypes, "resolve_all", (pdftypes, pdffont)),
        (pdfinternals, "resolve_all", (pdfinternals, page, pdf)),
        (pdfinternals, "resolve_and_decode", (pdfinternals, page, pdf)),
    ]
    for home, name, users in resolvers:
        metered = _metered(getattr(home, name))
        for module in users:
            if hasattr(module, name):
                setattr(module, name, metered)


# ---------------------------------------------------------------------------------------------------------
# Installing
# ---------------------------------------------------------------------------------------------------------

_installed = False


def install() -> None:
    """Put the bounded decoder, the metered tokenizer, the linear-time string and inline-image readers,
    the charged font tables and the linear corrupt-stream inflater in pdfminer's place (once)."""
    global _installed
    if _installed:
        return
    from pdfminer import pdftypes

    pdftypes.decompress_corrupted = decompress_corrupted
    pdftypes.PDFStream.decode = decode_stream  # type: ignore[method-assign]
    PSBaseParser.nexttoken = _nexttoken  # type: ignore[method-assign]
    PSBaseParser._parse_literal = _parse_literal  # type: ignore[method-assign]
    PSBaseParser._parse_literal_hex = _parse_literal_hex  # type: ignore[method-assign]
    PSBaseParser._parse_string = _parse_string  # type: ignore[method-assign]
    PSBaseParser._parse_string_1 = _parse_string_1  # type: ignore[method-assign]
    PDFContentParser.get_inline_data = _get_inline_data  # type: ignore[method-assign]
    pdffont.get_widths = _get_widths
    pdffont.get_widths2 = _get_widths2
    cmapdb.CMapParser.do_keyword = _cmap_keyword  # type: ignore[method-assign]
    for fmttype in (2, 4, 12):
        setattr(pdffont.TrueTypeFont, f"parse_cmap_format_{fmttype}", _counted_cmap_format(fmttype))
    _meter_resolvers()
    _installed = True


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.0f} MB"
