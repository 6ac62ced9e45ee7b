"""Bad input: every file gets a one-line error naming it, within seconds and bounded memory, never a traceback.

Each case runs `gongkai parse` in a subprocess under an address-space limit (1 GiB) and a time limit, as a user
would meet it.
"""

from __future__ import annotations

import io
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from tests.conftest import shared_path

MEMORY_LIMIT = 1024 * 1024 * 1024
TIME_LIMIT = 20  # seconds; each case finishes in well under that


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def parse(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gongkai", "parse", "--format", "cells", str(path)],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=_limit,
        check=False,
    )


def zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(b"<w:document>")
            chunk = b" " * (1024 * 1024)
            for _ in range(400):  # 400 MB of spaces, a few hundred KB compressed
                part.write(chunk)
            part.write(b"</w:document>")
    return buf.getvalue()


ENTITY_BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">\n' for i in range(1, 10))
    + "]>\n<html><body><p>&lol9;</p><table><tr><td>&lol9;</td></tr></table></body></html>\n"
)


def _cases(tmp: Path) -> dict[str, tuple[Path, str]]:
    docx = shared_path("corpus", "019.docx").read_bytes()
    cases = {
        "empty": (b"", "文件为空"),
        "junk": (bytes(range(256)) * 100, "不是可识别的报告格式"),
        "truncated.docx": (docx[: len(docx) // 2], ""),
        "big.html": (b"<html><body>" + b"<p>\xe6\x8a\xa5\xe5\x91\x8a</p>" * 3_000_000 + b"</body></html>", "过大"),
        "bomb.docx": (zip_bomb(), ""),
        "entities.html": (ENTITY_BOMB.encode(), ""),
        "entities.docx": (_docx_with(docx, ENTITY_BOMB), ""),
    }
    out = {}
    for name, (data, words) in cases.items():
        path = tmp / name
        path.write_bytes(data)
        out[name] = (path, words)
    return out


def _docx_with(docx: bytes, document_xml: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(docx))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = document_xml.encode() if item.filename == "word/document.xml" else src.read(item.filename)
            z.writestr(item.filename, data)
    return buf.getvalue()


CASE_NAMES = ["empty", "junk", "truncated.docx", "big.html", "bomb.docx", "entities.html", "entities.docx"]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_hostile_input_gets_one_line_error(name: str, tmp_path: Path) -> None:
    path, words = _cases(tmp_path)[name]
    result = parse(path)
    assert "Traceback" not in result.stderr
    if name == "entities.html" and result.returncode == 0:
        # Read harmlessly: the entities were not expanded.
        assert "lollollol" not in result.stdout
        return
    assert result.returncode == 2, (result.stdout[-500:], result.stderr[-500:])
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"错误：{path}: ")
    assert words in lines[0]
    assert "内部错误" not in lines[0]
