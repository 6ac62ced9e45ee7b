"""Builds the shipped notice templates (``gongkai/data/notices/*.docx``) from :mod:`gongkai.notices.catalog`.

Run after changing the wording, then commit the files::

    .venv/bin/python -m gongkai.notices.build_templates

The layout follows the usual form of 公文 (GB/T 9704 in outline): A4, title in 小标宋 二号, body in 仿宋 三号 with
a two-character first-line indent and 28-point lines, the number under the title, the issuing agency and the
date at the bottom right. The files are byte-for-byte reproducible (fixed document properties and ZIP times), so
a test checks that the committed files are exactly what this module builds.
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from gongkai.notices.catalog import SPECS, TemplateSpec

SHIPPED_DIR = Path(__file__).resolve().parents[1] / "data" / "notices"
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
LINE = Pt(28)
FIXED_TIME = datetime(2026, 1, 1)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def _font(run: object, name: str, size: Pt, bold: bool = False) -> None:
    font = run.font  # type: ignore[attr-defined]
    font.name = LATIN_FONT
    font.size = size
    font.bold = bold
    rpr = run._element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)


def _paragraph(doc: object, text: str, *, align: int | None = None, indent: bool = True, font: str = BODY_FONT,
               size: Pt = BODY_SIZE, bold: bool = False, space_after: Pt | None = None, keep: bool = False) -> None:
    p = doc.add_paragraph()  # type: ignore[attr-defined]
    fmt = p.paragraph_format
    fmt.keep_with_next = keep or None
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE if size == BODY_SIZE else Pt(36)
    fmt.space_before = Pt(0)
    fmt.space_after = space_after if space_after is not None else Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), font, size, bold)


def build_template(spec: TemplateSpec) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(doc, "{{机关名称}}", align=center, indent=False, font=TITLE_FONT, size=TITLE_SIZE)
    _paragraph(doc, spec.title, align=center, indent=False, font=TITLE_FONT, size=TITLE_SIZE)
    _paragraph(doc, "{{文书编号}}", align=center, indent=False, space_after=Pt(16))
    _paragraph(doc, "{{第三方}}：" if spec.to_third_party else "{{申请人}}：", indent=False)
    # The closing paragraphs keep with the signature: the agency and the date never stand alone on a page.
    for n, text in enumerate(spec.paragraphs):
        _paragraph(doc, text, keep=n == len(spec.paragraphs) - 1)
    if spec.remedies:
        _paragraph(doc, "{{救济途径}}", keep=True)
    _paragraph(doc, "{{联系方式}}", keep=True)
    _paragraph(doc, "", indent=False, keep=True)
    right = WD_ALIGN_PARAGRAPH.RIGHT
    _paragraph(doc, "{{机关名称}}", align=right, indent=False, keep=True)
    _paragraph(doc, "{{落款日期}}", align=right, indent=False)
    props = doc.core_properties
    props.title = spec.title
    props.author = props.last_modified_by = "gongkai"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    props.comments = f"gongkai 文书模板 {spec.key}：可以修改文字和版式，占位符写作 {{{{名称}}}}"
    out = io.BytesIO()
    doc.save(out)
    return reproducible_zip(out.getvalue())


def reproducible_zip(data: bytes) -> bytes:
    """The same ZIP with fixed member times, so equal content gives equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def build_all(target: Path = SHIPPED_DIR) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in SPECS.values():
        path = target / spec.filename
        data = build_template(spec)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        written.append(path)
    return written


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SHIPPED_DIR
    paths = build_all(target)
    sys.stdout.write(f"已生成 {len(paths)} 个文书模板：{target}\n")


if __name__ == "__main__":  # pragma: no cover
    main()
