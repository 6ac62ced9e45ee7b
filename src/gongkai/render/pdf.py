"""The report as PDF: the Word document of ``gongkai.render.docx`` converted by LibreOffice headless.

Optional: it needs LibreOffice (Debian: ``libreoffice-writer-nogui``) and, for the glyphs, CJK fonts
(``fonts-noto-cjk``); ``scripts/bootstrap.sh`` installs both. Every conversion runs in a private temporary
directory with its own LibreOffice profile (``-env:UserInstallation``), so parallel runs never meet, nor
meet a LibreOffice the user has open; LibreOffice's own temporary files go there too, and the directory is
removed whatever happens, a timeout included.

The document names the official fonts (方正小标宋简体, 仿宋_GB2312, 黑体, 宋体). On a machine without them
LibreOffice would print everything in one sans-serif fallback; the private profile carries a font
replacement table that maps each missing official font to the closest installed one (a Song face for
小标宋, 仿宋 and 宋体, a sans-serif face for 黑体). Fonts that are installed are never replaced.

Without LibreOffice, ``render_pdf`` raises ``LibreOfficeMissing`` ("未安装 LibreOffice，无法生成 PDF；请安装
libreoffice-writer-nogui，或改用 --to docx"); when LibreOffice fails or overruns its time, ``ConversionFailed``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from gongkai.errors import GongkaiError
from gongkai.model.report import Report

SOFFICE_ENV = "GONGKAI_SOFFICE"  # path of a soffice executable outside PATH (e.g. on macOS)
SOFFICE_NAMES = ("soffice", "libreoffice")
DEFAULT_TIMEOUT = 120.0  # seconds; a first start with a fresh profile takes a few

# Lines LibreOffice prints on every run that say nothing about the document.
BENIGN_OUTPUT = (
    "Warning: failed to launch javaldx",  # no Java runtime: not needed for Writer → PDF
    "convert ",  # "convert a.docx -> a.pdf using filter : writer_pdf_Export"
)

# For each font the document names: installed fonts to print it with when it is missing, best first.
SONG = ("Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN", "AR PL UMing CN")
HEI = ("Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei")
FONT_SUBSTITUTES: dict[str, tuple[str, ...]] = {
    "方正小标宋简体": ("方正小标宋_GBK", "华文中宋", "STZhongsong", "宋体", "SimSun", *SONG),
    "仿宋_GB2312": ("仿宋", "FangSong", "华文仿宋", "STFangsong", *SONG),
    "仿宋": ("仿宋_GB2312", "FangSong", "华文仿宋", "STFangsong", *SONG),
    "黑体": ("SimHei", *HEI),
    "宋体": ("SimSun", "NSimSun", *SONG),
}


class PdfError(GongkaiError):
    """The PDF could not be made."""


class LibreOfficeMissing(PdfError):
    """LibreOffice is not installed (or not found)."""

    def __init__(self, detail: str = "") -> None:
        message = "未安装 LibreOffice，无法生成 PDF；请安装 libreoffice-writer-nogui，或改用 --to docx"
        super().__init__(f"{message}（{detail}）" if detail else message)


class ConversionFailed(PdfError):
    """LibreOffice ran but gave no PDF (an error, a crash, or the time limit)."""

    def __init__(self, problem: str, output: str = "") -> None:
        self.problem = problem
        self.output = output
        tail = " ".join(output.split())[-300:]
        message = f"LibreOffice 未能把 Word 文档转换为 PDF：{problem}"
        if tail:
            message += f"（LibreOffice 输出：{tail}）"
        super().__init__(message + "；可改用 --to docx 后手工转换")


@dataclass(frozen=True)
class Conversion:
    """A finished conversion: the PDF and what LibreOffice printed besides the usual notices."""

    pdf: bytes
    warnings: tuple[str, ...]


def find_soffice(search_path: str | None = None) -> str:
    """The LibreOffice executable: ``$GONGKAI_SOFFICE``, else ``soffice`` or ``libreoffice`` on the search
    path (``PATH`` unless given), else ``LibreOfficeMissing``."""
    configured = os.environ.get(SOFFICE_ENV, "").strip()
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured
        raise LibreOfficeMissing(f"环境变量 {SOFFICE_ENV} 指向的 {configured} 不存在或不可执行")
    for name in SOFFICE_NAMES:
        found = shutil.which(name, path=search_path)
        if found:
            return found
    raise LibreOfficeMissing()


def installed_font_families() -> set[str] | None:
    """Every font family fontconfig knows (each of its localised names), or None when it cannot be asked."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        done = subprocess.run(
            [fc_list, "--format", "%{family}\\n"], capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    return {name.strip() for line in lines for name in line.split(",") if name.strip()}


def font_replacements(installed: set[str] | None) -> dict[str, str]:
    """Official font → installed substitute, for the official fonts that are not installed.

    >>> font_replacements({"Noto Serif CJK SC", "Noto Sans CJK SC", "黑体"})["仿宋_GB2312"]
    'Noto Serif CJK SC'
    >>> "黑体" in font_replacements({"Noto Serif CJK SC", "Noto Sans CJK SC", "黑体"})
    False
    """
    if installed is None:  # fontconfig cannot be asked: name the usual fallbacks and let LibreOffice resolve
        return {font: candidates[-1] for font, candidates in FONT_SUBSTITUTES.items()}
    out: dict[str, str] = {}
    for font, candidates in FONT_SUBSTITUTES.items():
        if font in installed:
            continue
        found = next((c for c in candidates if c in installed), None)
        if found is not None:
            out[font] = found
    return out


def profile_settings(replacements: dict[str, str]) -> str:
    """``registrymodifications.xcu`` of a fresh LibreOffice profile: the font replacement table (Tools ›
    Options › Fonts), each pair applied always (the official fonts it replaces are known to be missing)."""
    items = [
        '<item oor:path="/org.openoffice.Office.Common/Font/Substitution">'
        '<prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>'
    ]
    for n, (font, substitute) in enumerate(sorted(replacements.items())):
        props = {"Always": "true", "OnScreenOnly": "false", "ReplaceFont": font, "SubstituteFont": substitute}
        body = "".join(
            f'<prop oor:name="{name}" oor:op="fuse"><value>{xml_escape(value)}</value></prop>'
            for name, value in props.items()
        )
        items.append(
            '<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">'
            f'<node oor:name="_{n}" oor:op="replace">{body}</node></item>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        + "\n".join(items)
        + "\n</oor:items>\n"
    )


def _kill(process: subprocess.Popen[bytes]) -> None:
    """End LibreOffice and every process it started (it runs in a session of its own)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()
    process.wait()


def convert_docx(
    docx: bytes, *, timeout: float = DEFAULT_TIMEOUT, soffice: str | None = None, search_path: str | None = None
) -> Conversion:
    """A Word document converted to PDF by LibreOffice headless, in a private temporary directory.

    ``soffice`` names the executable (default: ``find_soffice(search_path)``). Raises ``LibreOfficeMissing``
    or ``ConversionFailed``; never leaves a file or a process behind.
    """
    executable = soffice or find_soffice(search_path)
    with tempfile.TemporaryDirectory(prefix="gongkai-pdf-") as tmp:
        work = Path(tmp)
        profile, out, scratch = work / "profile", work / "out", work / "tmp"
        for folder in (profile / "user", out, scratch):
            folder.mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(
            profile_settings(font_replacements(installed_font_families())), encoding="utf-8"
        )
        source = work / "report.docx"
        source.write_bytes(docx)
        command = [
            executable,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--norestore",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(out),
            str(source),
        ]
        env = {**os.environ, "TMPDIR": str(scratch), "TMP": str(scratch), "TEMP": str(scratch)}
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=work,
                start_new_session=True,
            )
        except OSError as exc:
            raise LibreOfficeMissing(f"{executable}: {exc.strerror or exc}") from exc
        try:
            raw, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _kill(process)
            raise ConversionFailed(f"超过 {timeout:g} 秒仍未完成") from exc
        except BaseException:
            _kill(process)
            raise
        output = raw.decode("utf-8", "replace")
        pdf = out / "report.pdf"
        if process.returncode != 0:
            raise ConversionFailed(f"退出码 {process.returncode}", output)
        if not pdf.is_file() or not pdf.read_bytes().startswith(b"%PDF-"):
            raise ConversionFailed("没有生成 PDF 文件", output)
        warnings = tuple(
            line.strip()
            for line in output.splitlines()
            if line.strip() and not line.strip().startswith(BENIGN_OUTPUT)
        )
        return Conversion(pdf.read_bytes(), warnings)


def render_pdf(report: Report, *, timeout: float = DEFAULT_TIMEOUT, search_path: str | None = None) -> bytes:
    """The report as PDF: its DOCX (``gongkai.render.docx``) converted by LibreOffice."""
    from gongkai.render.docx import render_docx

    executable = find_soffice(search_path)  # before the DOCX is built: say at once what is missing
    return convert_docx(render_docx(report), timeout=timeout, soffice=executable).pdf
