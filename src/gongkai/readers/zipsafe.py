"""Checking a ZIP container (DOCX) before any library inflates it.

A ZIP bomb is refused from its central directory (member count, inflated sizes, compression ratio) and, since
that directory can lie, again while every member is inflated in chunks under the same byte caps. XML parts
that declare a DTD (``<!DOCTYPE``/``<!ENTITY``: the way to entity-expansion bombs) are refused too; Office
files never need one.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from gongkai.errors import HostileInput, ReadError
from gongkai.readers.limits import ReadLimits

CHUNK = 1024 * 1024
RATIO_FLOOR = 1024 * 1024  # the compression ratio is checked only for members inflating beyond this
XML_SUFFIXES = (".xml", ".rels", ".vml")
_DTD_MARKS = tuple(
    mark.encode(encoding)
    for mark in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
_OVERLAP = max(len(m) for m in _DTD_MARKS)
CORRUPT_HINT = "文件可能已损坏或未下载完整，请重新获取或用 Word 另存为 .docx"


def check_zip(data: bytes, source: str, limits: ReadLimits, required: str, kind: str) -> None:
    """Raise ``HostileInput`` for a ZIP bomb or a DTD in an XML part, ``ReadError`` for a corrupt archive or
    one without the ``required`` member (``kind`` names the expected format in the message)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise ReadError(source, f"不是有效的 {kind}：ZIP 结构无法读取", CORRUPT_HINT) from exc
    with archive:
        infos = archive.infolist()
        _check_directory(infos, source, limits)
        if required not in {info.filename for info in infos}:
            raise ReadError(source, f"不是 {kind}：压缩包中没有 {required}", f"请确认文件是 {kind}")
        total = 0
        for info in infos:
            if not info.is_dir():
                total = _inflate(archive, info, total, source, limits)


def _check_directory(infos: list[zipfile.ZipInfo], source: str, limits: ReadLimits) -> None:
    if len(infos) > limits.max_zip_members:
        raise HostileInput(
            source, f"压缩包成员过多（{len(infos)} 个，上限 {limits.max_zip_members}），拒绝读取"
        )
    declared = 0
    for info in infos:
        declared += info.file_size
        _check_part(info, info.file_size, source, limits)
        if declared > limits.max_unpacked_bytes:
            raise HostileInput(
                source, f"压缩包解压后过大（超过 {_mb(limits.max_unpacked_bytes)}），疑似 ZIP 炸弹，拒绝读取"
            )


def _check_part(info: zipfile.ZipInfo, size: int, source: str, limits: ReadLimits) -> None:
    if size > limits.max_part_bytes:
        raise HostileInput(
            source,
            f"压缩包成员 {info.filename} 解压后过大（超过 {_mb(limits.max_part_bytes)}），疑似 ZIP 炸弹，拒绝读取",
        )
    if size > RATIO_FLOOR and size / max(info.compress_size, 1) > limits.max_compression_ratio:
        raise HostileInput(
            source,
            f"压缩包成员 {info.filename} 压缩比异常（{size / max(info.compress_size, 1):.0f} 倍），疑似 ZIP 炸弹，拒绝读取",
        )


def _inflate(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, total: int, source: str, limits: ReadLimits
) -> int:
    """Inflate one member in chunks, counting the bytes it really produces; returns the running total."""
    scan = info.filename.lower().endswith(XML_SUFFIXES)
    size = 0
    tail = b""
    try:
        with archive.open(info) as part:
            while chunk := part.read(CHUNK):
                size += len(chunk)
                total += len(chunk)
                _check_part(info, size, source, limits)
                if total > limits.max_unpacked_bytes:
                    raise HostileInput(
                        source,
                        f"压缩包解压后过大（超过 {_mb(limits.max_unpacked_bytes)}），疑似 ZIP 炸弹，拒绝读取",
                    )
                if scan:
                    window = tail + chunk
                    if any(mark in window for mark in _DTD_MARKS):
                        raise HostileInput(
                            source,
                            f"{info.filename} 含有 DTD 或实体声明（<!DOCTYPE>/<!ENTITY>），拒绝读取",
                            "Word 文档不需要 DTD",
                        )
                    tail = window[-_OVERLAP:]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise ReadError(
            source, f"压缩包成员 {info.filename} 已损坏（数据或校验和不符）", CORRUPT_HINT
        ) from exc
    except NotImplementedError as exc:
        raise ReadError(source, f"压缩包成员 {info.filename} 使用了不支持的压缩方式", CORRUPT_HINT) from exc
    except RuntimeError as exc:  # encrypted member
        raise ReadError(source, "文件已加密或设有密码，无法读取", "请去除密码后另存为 .docx") from exc
    return total


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.0f} MB"
