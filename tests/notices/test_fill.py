"""Filling placeholders in DOCX templates: split across Word runs, full-width braces, line breaks, optional
paragraphs, and the errors that keep braces out of a notice. And the shipped templates: exactly what the
builder makes, every placeholder known, the statutory wording in place."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from gongkai.notices import PLACEHOLDERS, SPECS, NoticeTemplateError, document_text, fill, placeholders_in
from gongkai.notices.build_templates import build_template
from gongkai.notices.catalog import OPTIONAL
from gongkai.notices.templates import SHIPPED_DIR


def _docx(*paragraphs: list[str]) -> bytes:
    """A document whose paragraphs are made of the given runs, exactly as split."""
    doc = Document()
    for runs in paragraphs:
        p = doc.add_paragraph()
        for i, text in enumerate(runs):
            run = p.add_run(text)
            run.bold = i == 0
            run.font.size = Pt(12 + i)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_a_placeholder_split_across_runs_is_filled_in_the_first_run() -> None:
    data = _docx(["申请人：{{申", "请", "人}}，编号 {", "{申请编号}}。"])
    assert placeholders_in(data) == ["申请人", "申请编号"]
    filled = fill(data, {"申请人": "张晓明", "申请编号": "吴村〔2025〕依申请第1号"}, known=PLACEHOLDERS)
    assert document_text(filled) == "申请人：张晓明，编号 吴村〔2025〕依申请第1号。"
    runs = Document(io.BytesIO(filled)).paragraphs[0].runs
    assert runs[0].text == "申请人：张晓明" and runs[0].bold  # the value takes the formatting of the run it starts in
    assert [r.text for r in runs[1:]] == ["", "，编号 吴村〔2025〕依申请第1号", "。"]


def test_a_placeholder_inside_a_hyperlink_and_full_width_braces() -> None:
    doc = Document()
    p = doc.add_paragraph()
    p.add_run("见 ")
    link = p._p.makeelement(qn("w:hyperlink"), {})
    run = p._p.makeelement(qn("w:r"), {})
    text = run.makeelement(qn("w:t"), {})
    text.text = "｛｛ 机关名称 ｝｝"
    run.append(text)
    link.append(run)
    p._p.append(link)
    out = io.BytesIO()
    doc.save(out)
    filled = fill(out.getvalue(), {"机关名称": "青溪县吴村镇人民政府"}, known=PLACEHOLDERS)
    assert document_text(filled) == "见 青溪县吴村镇人民政府"


def test_line_breaks_and_optional_paragraphs() -> None:
    data = _docx(["需要补正的事项："], ["{{补正事项}}"], ["{{补充说明}}"], ["{{联系方式}}", "{{补充说明}}"], ["完"])
    filled = fill(data, {"补正事项": "1. 文件名称\n2. 年度"}, known=PLACEHOLDERS, optional=OPTIONAL)
    assert document_text(filled) == "需要补正的事项：\n1. 文件名称\n2. 年度\n完"
    xml = Document(io.BytesIO(filled)).paragraphs[1]._p.xml
    assert xml.count("<w:br/>") == 1


def test_table_cells_and_headers_are_filled() -> None:
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "{{文书编号}}"
    doc.add_table(rows=1, cols=1).cell(0, 0).text = "{{申请人}}"
    out = io.BytesIO()
    doc.save(out)
    filled = fill(out.getvalue(), {"文书编号": "吴村〔2025〕答复第1号", "申请人": "张晓明"}, known=PLACEHOLDERS)
    again = Document(io.BytesIO(filled))
    assert again.sections[0].header.paragraphs[0].text == "吴村〔2025〕答复第1号"
    assert again.tables[0].cell(0, 0).text == "张晓明"


@pytest.mark.parametrize(
    ("runs", "message"),
    [
        (["{{申请日}}"], "未知的占位符「申请日」"),
        (["{{补正事项}}"], "文书缺少「补正事项」"),
        (["{{申请人"], "不完整的占位符"),
        (["申请人}}"], "不完整的占位符"),
    ],
)
def test_a_notice_never_keeps_braces(runs: list[str], message: str) -> None:
    with pytest.raises(NoticeTemplateError, match=message):
        fill(_docx(runs), {"申请人": "张晓明"}, known=PLACEHOLDERS)


def test_not_a_docx() -> None:
    with pytest.raises(NoticeTemplateError, match="不是有效的 Word"):
        fill(b"plain text", {}, known=PLACEHOLDERS, source="回执.docx")


def test_shipped_templates_are_what_the_builder_makes() -> None:
    shipped = {p.name for p in SHIPPED_DIR.glob("*.docx")}
    assert shipped == {s.filename for s in SPECS.values()}
    for spec in SPECS.values():
        assert (SHIPPED_DIR / spec.filename).read_bytes() == build_template(spec), (
            f"{spec.filename} differs: run python -m gongkai.notices.build_templates"
        )


@pytest.mark.parametrize("key", sorted(SPECS))
def test_every_template_uses_known_placeholders_and_statutory_wording(key: str) -> None:
    spec = SPECS[key]
    data = (SHIPPED_DIR / spec.filename).read_bytes()
    names = placeholders_in(data)
    assert set(names) <= set(PLACEHOLDERS)
    text = document_text(data)
    assert spec.title in text and "{{文书编号}}" in text and "{{落款日期}}" in text
    if spec.kind.value == "reply":
        assert "{{救济途径}}" in text
        if spec.outcome != "other.other":  # 其他处理: the clerk writes what was done and why
            assert re.search(r"第[一二三四五六七八九十]+条", text), "a reply cites its article"
    if spec.to_third_party:
        assert "{{申请人}}" not in text  # a third party is never told who applied


@pytest.mark.parametrize(
    ("key", "article"),
    [
        ("correction", "第三十条"),
        ("extension", "第三十三条第二款"),
        ("third_party", "第三十二条"),
        ("fee", "第四十二条"),
        ("reply-granted", "第三十六条第（二）项"),
        ("reply-partially_granted", "第三十七条"),
        ("reply-withheld.state_secret", "第十四条"),
        ("reply-withheld.third_party", "第十五条"),
        ("reply-withheld.internal_affairs", "第十六条第一款"),
        ("reply-withheld.deliberative", "第十六条第二款"),
        ("reply-withheld.query_service", "第三十六条第（七）项"),
        ("reply-unavailable.not_held", "第三十六条第（四）项"),
        ("reply-unavailable.needs_creation", "第三十八条"),
        ("reply-not_processed.petition", "第三十九条第一款"),
        ("reply-not_processed.duplicate", "第三十六条第（六）项"),
        ("reply-not_processed.publication", "第三十九条第二款"),
        ("reply-not_processed.excessive", "第三十五条"),
        ("reply-other.no_correction", "第三十条"),
        ("reply-other.fee_unpaid", "国办函〔2020〕109号"),
    ],
)
def test_legal_basis_of_each_notice(key: str, article: str) -> None:
    assert article in document_text((SHIPPED_DIR / SPECS[key].filename).read_bytes())
