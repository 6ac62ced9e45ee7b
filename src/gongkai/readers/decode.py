"""Text decoding: UTF-8 (with or without BOM), UTF-16 with BOM, GB18030/GBK — detected, never assumed."""

from __future__ import annotations

import codecs

from gongkai.errors import ReadError


def decode_text(data: bytes, source: str, declared: str | None = None) -> str:
    """Decode report text. A declared charset (HTML ``<meta charset>``) is tried first, then UTF-8, then
    GB18030 (a superset of GBK and GB2312), then charset detection."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    tried: list[str] = []
    for encoding in (declared, "utf-8", "gb18030"):
        if not encoding or encoding in tried:
            continue
        tried.append(encoding)
        try:
            return data.decode(_canonical(encoding))
        except (UnicodeDecodeError, LookupError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is None or best.encoding is None:
        raise ReadError(source, "无法识别文本编码", "请另存为 UTF-8 或 GB18030 文本")
    return data.decode(best.encoding, errors="replace")


def _canonical(encoding: str) -> str:
    name = encoding.strip().lower()
    if name in ("gbk", "gb2312", "gb_2312-80", "x-gbk", "cp936"):
        return "gb18030"
    return name
