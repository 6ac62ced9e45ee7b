"""What ``gongkai import PATH...`` reads: files, folders (recursively) and ZIP archives, listed before anything is
parsed so the progress bar knows its total and every run visits the sources in the same order.

ZIP archives (by the ``.zip`` extension: a DOCX is a ZIP too, and is a report) are listed from their central
directory and read member by member, never extracted to disk. A member whose name would escape the archive
(``../``, an absolute path, a drive letter) is refused, and so is a bomb: a member whose declared size is over
the file limit of :class:`~gongkai.readers.limits.ReadLimits` or whose compression ratio is absurd, and — since
a directory can lie — a member that inflates beyond those bounds while it is read in chunks. Each refusal is
the failure of that member only; the rest of the archive is imported.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from gongkai.errors import HostileInput, ReadError
from gongkai.readers.limits import DEFAULT_LIMITS, ReadLimits
from gongkai.readers.zipsafe import CHUNK, RATIO_FLOOR

ARCHIVE_SUFFIX = ".zip"
MAX_ARCHIVE_MEMBERS = 200_000  # an archive of a province's reports; each member is read and bounded on its own
MEMBER_SEPARATOR = "!/"


@dataclass(frozen=True)
class SourceRef:
    """One report file to import: a file on disk, or a member of a ZIP archive on disk."""

    name: str  # as shown and stored: the path, or ``archive.zip!/member``
    path: Path
    member: str | None = None
    refusal: str | None = None  # why the member is refused without being read (traversal, bomb)


@dataclass(frozen=True)
class LoadedSource:
    name: str
    data: bytes
    sha256: str


def find_sources(paths: Iterable[Path], limits: ReadLimits = DEFAULT_LIMITS) -> tuple[list[SourceRef], list[str]]:
    """Every report file under ``paths`` in a stable order, and the one-line errors of paths that cannot be listed
    (a missing path, a corrupt archive). Hidden files (``.DS_Store`` …) are passed over."""
    refs: list[SourceRef] = []
    errors: list[str] = []
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p.relative_to(path)))
        elif path.is_file():
            files = [path]
        else:
            errors.append(f"{path}: 文件或目录不存在")
            continue
        for file in files:
            if file.suffix.lower() == ARCHIVE_SUFFIX:
                try:
                    refs.extend(_archive_members(file, limits))
                except ReadError as exc:
                    errors.append(str(exc))
            else:
                refs.append(SourceRef(str(file), file))
    return refs, errors


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") and part not in (".", "..") for part in relative.parts)


def _unsafe_member_name(name: str) -> bool:
    if name.startswith(("/", "\\")) or "\\" in name or (len(name) > 1 and name[1] == ":"):
        return True
    return any(part == ".." for part in PurePosixPath(name).parts)


def _archive_members(archive_path: Path, limits: ReadLimits) -> Iterator[SourceRef]:
    try:
        with zipfile.ZipFile(archive_path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise ReadError(str(archive_path), "不是有效的 ZIP 压缩包：目录结构无法读取", "请重新获取或重新压缩") from exc
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        raise HostileInput(
            str(archive_path), f"压缩包成员过多（{len(infos)} 个，上限 {MAX_ARCHIVE_MEMBERS}），拒绝读取"
        )
    for info in sorted(infos, key=lambda i: i.filename):
        if info.is_dir() or _hidden(Path(PurePosixPath(info.filename))):
            continue
        name = f"{archive_path}{MEMBER_SEPARATOR}{info.filename}"
        refusal = None
        if _unsafe_member_name(info.filename):
            refusal = "压缩包成员名含路径穿越（../、绝对路径或盘符），拒绝读取"
        elif info.filename.lower().endswith(ARCHIVE_SUFFIX):
            refusal = "压缩包中的压缩包不予展开（请先解压外层压缩包）"
        else:
            refusal = _bomb(info.filename, info.file_size, info.compress_size, limits)
        yield SourceRef(name, archive_path, info.filename, refusal)


def _bomb(member: str, size: int, compressed: int, limits: ReadLimits) -> str | None:
    if size > limits.max_file_bytes:
        return f"压缩包成员 {member} 解压后过大（超过 {limits.max_file_bytes // 1_000_000} MB），疑似 ZIP 炸弹，拒绝读取"
    if size > RATIO_FLOOR and size / max(compressed, 1) > limits.max_compression_ratio:
        return f"压缩包成员 {member} 压缩比异常（{size / max(compressed, 1):.0f} 倍），疑似 ZIP 炸弹，拒绝读取"
    return None


def refusal_key(archive_digest: str, member: str) -> str:
    """The key of a member refused unread: its content is never inflated, so the SHA-256 is of the archive's own
    digest (:func:`file_sha256`) and the member name — stable across runs, so a refusal is recorded once."""
    return hashlib.sha256(f"{archive_digest}{MEMBER_SEPARATOR}{member}".encode()).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def load_sources(
    refs: Iterable[SourceRef], limits: ReadLimits = DEFAULT_LIMITS
) -> Iterator[tuple[SourceRef, LoadedSource | ReadError]]:
    """The bytes and SHA-256 of each source, or the ``ReadError`` (naming it) saying why it cannot or must not be
    read. An archive stays open while its members follow one another (reopening it would parse its directory
    once per member)."""
    archive: zipfile.ZipFile | None = None
    archive_path: Path | None = None
    try:
        for ref in refs:
            try:
                if ref.refusal is not None:
                    raise HostileInput(ref.name, ref.refusal)
                if ref.member is None:
                    data = _read_file(ref, limits)
                else:
                    if archive is None or archive_path != ref.path:
                        if archive is not None:
                            archive.close()
                        archive, archive_path = None, ref.path
                        archive = _open_archive(ref)
                    data = _read_member(archive, ref, limits)
            except ReadError as exc:
                yield ref, exc
                continue
            yield ref, LoadedSource(ref.name, data, hashlib.sha256(data).hexdigest())
    finally:
        if archive is not None:
            archive.close()


def _read_file(ref: SourceRef, limits: ReadLimits) -> bytes:
    try:
        size = ref.path.stat().st_size
        if size > limits.max_file_bytes:
            raise HostileInput(ref.name, f"文件过大（{size // 1_000_000} MB，上限 {limits.max_file_bytes // 1_000_000} MB）")
        return ref.path.read_bytes()
    except FileNotFoundError as exc:
        raise ReadError(ref.name, "文件不存在（列出后被移走或删除）") from exc
    except PermissionError as exc:
        raise ReadError(ref.name, "没有读取权限") from exc


def _open_archive(ref: SourceRef) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(ref.path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise ReadError(ref.name, "压缩包无法打开（列出后被改动或损坏）") from exc


def _read_member(archive: zipfile.ZipFile, ref: SourceRef, limits: ReadLimits) -> bytes:
    """Inflate one member in chunks, stopping as soon as it outgrows the bounds its directory entry claimed."""
    assert ref.member is not None
    chunks: list[bytes] = []
    size = 0
    try:
        info = archive.getinfo(ref.member)
        with archive.open(info) as part:
            while chunk := part.read(CHUNK):
                size += len(chunk)
                refusal = _bomb(ref.member, size, info.compress_size, limits)
                if refusal is not None:
                    raise HostileInput(ref.name, refusal)
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError) as exc:
        raise ReadError(ref.name, "压缩包成员已损坏（数据或校验和不符）", "请重新获取压缩包") from exc
    except NotImplementedError as exc:
        raise ReadError(ref.name, "压缩包成员使用了不支持的压缩方式") from exc
    except RuntimeError as exc:  # an encrypted member
        raise ReadError(ref.name, "压缩包成员已加密，无法读取", "请去除密码后重新压缩") from exc
    return b"".join(chunks)


__all__ = ["LoadedSource", "SourceRef", "file_sha256", "find_sources", "load_sources", "refusal_key"]
