"""The PDF renderer without LibreOffice: its Chinese errors (LibreOffice missing, failing, hanging), the private
profile it gives LibreOffice (font replacement table), and that it never leaves a file or a process behind.

A fake ``soffice`` (a small Python script) stands in for LibreOffice here; the real conversion is tested, and
its pages saved for a person to look at, in ``test_artifacts.py``.
"""

from __future__ import annotations

import doctest
import os
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.render.samples import SEED_002, seed_002, shared_file
from typer.testing import CliRunner

import gongkai.render.layout
import gongkai.render.pdf
from gongkai.errors import GongkaiError
from gongkai.render import render
from gongkai.render.pdf import (
    SOFFICE_ENV,
    ConversionFailed,
    LibreOfficeMissing,
    convert_docx,
    find_soffice,
    font_replacements,
    profile_settings,
)

MISSING = "未安装 LibreOffice，无法生成 PDF；请安装 libreoffice-writer-nogui，或改用 --to docx"

# A stand-in for soffice: records its arguments and profile, then behaves as $FAKE_MODE says.
FAKE = '''#!{python}
import os, shutil, sys, time
from pathlib import Path
from urllib.parse import unquote, urlparse

args = sys.argv[1:]
record = Path(os.environ["FAKE_RECORD"])
record.mkdir(exist_ok=True)
(record / "args").write_text("\\n".join(args), encoding="utf-8")
profile = Path(unquote(urlparse(args[0].split("=", 1)[1]).path))
shutil.copy(profile / "user" / "registrymodifications.xcu", record / "profile.xcu")
(record / "tmpdir").write_text(os.environ.get("TMPDIR", ""), encoding="utf-8")
mode = os.environ.get("FAKE_MODE", "ok")
if mode == "fail":
    print("Error: source file could not be loaded", file=sys.stderr)
    sys.exit(1)
if mode == "hang":
    import subprocess
    child = subprocess.Popen(["sleep", "60"])
    (record / "child").write_text(str(child.pid), encoding="utf-8")
    time.sleep(60)
if mode == "nothing":
    sys.exit(0)
out = Path(args[args.index("--outdir") + 1])
(out / (Path(args[-1]).stem + ".pdf")).write_bytes(b"%PDF-1.7\\n%fake\\n")
Path(os.environ["TMPDIR"], "lu123.tmp").write_text("scratch", encoding="utf-8")
print("Warning: failed to launch javaldx - java may not function correctly", file=sys.stderr)
print("convert report.docx -> report.pdf using filter : writer_pdf_Export")
if mode == "warn":
    print("Warning: something odd about the document", file=sys.stderr)
'''


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fake soffice first on PATH, a private temporary directory, and the folder its records go to."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "soffice"
    script.write_text(FAKE.format(python=sys.executable), encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.delenv(SOFFICE_ENV, raising=False)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_RECORD", str(tmp_path / "record"))
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    yield tmp_path / "record"
    assert list(temp.iterdir()) == [], "the PDF renderer left files behind"


# -- LibreOffice missing ----------------------------------------------------------------------------------


def test_missing_libreoffice_is_a_chinese_error_naming_the_package(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SOFFICE_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no soffice, no libreoffice
    with pytest.raises(LibreOfficeMissing) as info:
        render(seed_002(), "pdf")
    assert isinstance(info.value, GongkaiError)
    assert str(info.value) == MISSING


def test_missing_libreoffice_by_search_path() -> None:
    with pytest.raises(LibreOfficeMissing, match="libreoffice-writer-nogui"):
        find_soffice(search_path=os.devnull)


def test_configured_soffice_that_does_not_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SOFFICE_ENV, str(tmp_path / "no-soffice"))
    with pytest.raises(LibreOfficeMissing) as info:
        find_soffice()
    assert str(info.value).startswith(MISSING) and SOFFICE_ENV in str(info.value)


def test_cli_render_to_pdf_without_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gongkai.cli import app

    monkeypatch.delenv(SOFFICE_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    out = tmp_path / "002.pdf"
    result = CliRunner().invoke(app, ["render", str(shared_file("seeds", SEED_002)), "--to", "pdf", "-o", str(out)])
    assert result.exit_code == 1, result.output  # the input was read; the output could not be made
    assert "".join(MISSING.split()) in "".join(result.output.split())  # the console may wrap the line
    assert not out.exists()


# -- LibreOffice present (a fake) -------------------------------------------------------------------------


def test_conversion_in_a_private_profile_and_temporary_directory(fake: Path) -> None:
    conversion = convert_docx(render(seed_002(), "docx"))
    assert conversion.pdf.startswith(b"%PDF-")
    assert conversion.warnings == ()  # the javaldx notice and the "convert" line are not warnings
    args = (fake / "args").read_text(encoding="utf-8").splitlines()
    assert args[0].startswith("-env:UserInstallation=file:///")
    assert "--headless" in args and args[args.index("--convert-to") + 1] == "pdf:writer_pdf_Export"
    profile_dir = args[0].split("=", 1)[1].removeprefix("file://")
    tmpdir = (fake / "tmpdir").read_text(encoding="utf-8")
    assert profile_dir.startswith(tempfile.gettempdir()) and tmpdir.startswith(tempfile.gettempdir())
    assert "Font/Substitution" in (fake / "profile.xcu").read_text(encoding="utf-8")


def test_render_pdf_through_the_registry(fake: Path) -> None:
    assert render(seed_002(), "pdf").startswith(b"%PDF-")


def test_unexpected_output_is_returned_as_warnings(fake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_MODE", "warn")
    conversion = convert_docx(b"PK")
    assert conversion.warnings == ("Warning: something odd about the document",)


def test_failure_is_a_chinese_error_with_libreoffice_output(fake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_MODE", "fail")
    with pytest.raises(ConversionFailed) as info:
        convert_docx(b"PK")
    message = str(info.value)
    assert message.startswith("LibreOffice 未能把 Word 文档转换为 PDF：退出码 1")
    assert "source file could not be loaded" in message and "--to docx" in message


def test_no_pdf_written_is_a_failure(fake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_MODE", "nothing")
    with pytest.raises(ConversionFailed, match="没有生成 PDF 文件"):
        convert_docx(b"PK")


def test_timeout_kills_libreoffice_and_its_children(fake: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_MODE", "hang")
    started = time.monotonic()
    with pytest.raises(ConversionFailed, match="超过 1 秒仍未完成"):
        convert_docx(b"PK", timeout=1)
    assert time.monotonic() - started < 20
    child = int((fake / "child").read_text(encoding="utf-8"))
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), "a process LibreOffice started outlived the timeout"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (killed, not yet reaped by init) counts as gone
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# -- the private profile ----------------------------------------------------------------------------------


def test_font_replacements_only_for_missing_official_fonts() -> None:
    installed = {"Noto Serif CJK SC", "Noto Sans CJK SC", "DejaVu Sans"}
    assert font_replacements(installed) == {
        "方正小标宋简体": "Noto Serif CJK SC",
        "仿宋_GB2312": "Noto Serif CJK SC",
        "仿宋": "Noto Serif CJK SC",
        "黑体": "Noto Sans CJK SC",
        "宋体": "Noto Serif CJK SC",
    }
    # a machine with the official fonts keeps them; one with only the Windows fonts uses those
    assert font_replacements({"方正小标宋简体", "仿宋_GB2312", "黑体", "宋体", "仿宋"}) == {}
    assert font_replacements({"SimSun", "FangSong", "SimHei"}) == {
        "方正小标宋简体": "SimSun",
        "仿宋_GB2312": "FangSong",
        "仿宋": "FangSong",
        "黑体": "SimHei",
        "宋体": "SimSun",
    }
    assert font_replacements(set()) == {}  # nothing to replace with: LibreOffice's own fallback


def test_profile_settings_are_well_formed_registry_items() -> None:
    from lxml import etree

    xml = profile_settings({"仿宋_GB2312": "Noto Serif CJK SC", "黑体": "Noto Sans CJK SC"})
    root = etree.fromstring(xml.encode("utf-8"))
    oor = "{http://openoffice.org/2001/registry}"
    paths = [item.get(f"{oor}path") for item in root]
    assert paths == ["/org.openoffice.Office.Common/Font/Substitution"] + [
        "/org.openoffice.Office.Common/Font/Substitution/FontPairs"
    ] * 2
    props = [{prop.get(f"{oor}name"): prop.findtext("value") for prop in node} for node in root.iter("node")]
    pairs = {p["ReplaceFont"]: p["SubstituteFont"] for p in props}
    assert all(p["Always"] == "true" and p["OnScreenOnly"] == "false" for p in props)
    assert pairs == {"仿宋_GB2312": "Noto Serif CJK SC", "黑体": "Noto Sans CJK SC"}


def test_doctests_of_the_pdf_and_layout_modules() -> None:
    for module in (gongkai.render.pdf, gongkai.render.layout):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
