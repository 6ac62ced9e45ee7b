"""Checking a PDF's compressed streams before pdfminer inflates them, and a linear-time corrupt-stream inflater.

pdfminer inflates a ``/FlateDecode`` stream whole with ``zlib.decompress``, without a bound: a 1 MB file can
hold a content stream or image that inflates to a gigabyte (a "flate bomb"). ``check_pdf_streams`` finds every
zlib stream in the file (any ``stream`` keyword followed by a zlib header: the scan needs no PDF parser, so a
broken cross-reference table cannot hide a stream from it) and inflates it in bounded chunks, counting the
bytes, through as many as three nested ``/FlateDecode`` layers; a stream inflating beyond
``ReadLimits.max_part_bytes``, or all of them beyond ``max_unpacked_bytes``, is refused as ``HostileInput``.

pdfminer's fallback for a stream whose checksum is broken (``pdftypes.decompress_corrupted``) inflates it
one byte at a time and appends each piece to a ``bytes`` object: quadratic time — a 62 KB stream inflating
to 32 MB took 96 s of CPU (pdfminer.six 20260107). ``decompress_corrupted`` below gives the same bytes (it
replays byte by byte only the chunk holding the error) in linear time; ``install`` puts it in pdfminer's
place before the reader opens a file.
"""

from __future__ import annotations

import logging
import re
import zlib

from gongkai.errors import HostileInput
from gongkai.readers.limits import ReadLimits

_STREAM = re.compile(rb"stream\r?\n")
IN_CHUNK = 64 * 1024
OUT_CHUNK = 1024 * 1024
MAX_LAYERS = 3  # /Filter [/FlateDecode /FlateDecode …]: a bomb compressed again is a few KB

logger = logging.getLogger("pdfminer.pdftypes")  # the warning pdfminer's own function logs, under its name


def _zlib_header(head: bytes) -> bool:
    return len(head) >= 2 and head[0] & 0x0F == 8 and head[0] >> 4 <= 7 and ((head[0] << 8) | head[1]) % 31 == 0


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
    out: bytes, level: int, layers: list[zlib._Decompress], sizes: list[int], total: int, source: str, limits: ReadLimits
) -> int:
    """Count ``out`` (produced by layer ``level``) and pass it on to the next flate layer, if it has one."""
    if not out:
        return total
    sizes[level] += len(out)
    total += len(out)
    if sizes[level] > limits.max_part_bytes:
        raise HostileInput(
            source, f"PDF 中一个数据流解压后过大（超过 {_mb(limits.max_part_bytes)}），疑似压缩炸弹，拒绝读取"
        )
    if total > limits.max_unpacked_bytes:
        raise HostileInput(
            source, f"PDF 的数据流解压后合计过大（超过 {_mb(limits.max_unpacked_bytes)}），疑似压缩炸弹，拒绝读取"
        )
    if level + 1 == len(layers) and sizes[level] == len(out) and level + 1 < MAX_LAYERS and _zlib_header(out[:2]):
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


def decompress_corrupted(data: bytes) -> bytes:
    """``pdfminer.pdftypes.decompress_corrupted`` in linear time: the same bytes, the same error."""
    inflater = zlib.decompressobj()
    out = bytearray()
    for start in range(0, len(data), IN_CHUNK):
        chunk = data[start : start + IN_CHUNK]
        saved = inflater.copy()
        try:
            out += inflater.decompress(chunk)
            continue
        except zlib.error:
            inflater = saved
        for i in range(len(chunk)):  # replay the chunk byte by byte to keep what came before the bad byte
            try:
                out += inflater.decompress(chunk[i : i + 1])
            except zlib.error:
                if start + i < len(data) - 3:  # not in the trailing checksum: really corrupt
                    raise
                logger.warning("Data-loss while decompressing corrupted data")
                return bytes(out)
    return bytes(out)


def install() -> None:
    """Put ``decompress_corrupted`` in pdfminer's place (``PDFStream.decode`` looks it up in its module)."""
    from pdfminer import pdftypes

    if pdftypes.decompress_corrupted is not decompress_corrupted:
        pdftypes.decompress_corrupted = decompress_corrupted


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.0f} MB"
