"""Readers: any report file (or bytes) → ``SourceDocument`` → ``Report``.

One entry point, ``read(path_or_bytes, format=None)``. The format is sniffed from the content (the name's
extension only breaks ties), the reader that ran is recorded on the report, and every failure is a
``ReadError`` naming the source.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gongkai.errors import HostileInput, ReadError, ReportJSONError, UnsupportedFormat
from gongkai.model.report import Report
from gongkai.readers.decode import decode_text
from gongkai.readers.document import SourceDocument
from gongkai.readers.limits import DEFAULT_LIMITS, ReadLimits

if TYPE_CHECKING:  # the interpreter imports readers.document; import it lazily to keep the layers acyclic
    from gongkai.extract import Interpretation

DocumentReader = Callable[[bytes, str, ReadLimits], SourceDocument]

FORMATS = ("text", "crawler", "markdown", "html", "docx", "pdf", "json")


def _text(data: bytes, source: str, limits: ReadLimits) -> SourceDocument:
    from gongkai.readers.text import read_text_document

    return read_text_document(decode_text(data, source), source, "text", limits)


def _markdown(data: bytes, source: str, limits: ReadLimits) -> SourceDocument:
    from gongkai.readers.text import read_text_document

    return read_text_document(decode_text(data, source), source, "markdown", limits)


def _crawler(data: bytes, source: str, limits: ReadLimits) -> SourceDocument:
    from gongkai.readers.crawler import read_crawler_document

    return read_crawler_document(decode_text(data, source), source, limits)


def _html(data: bytes, source: str, limits: ReadLimits) -> SourceDocument:
    from gongkai.readers.html import read_html_document

    return read_html_document(data, source, limits)


def _docx(data: bytes, source: str, limits: ReadLimits) -> SourceDocument:
    from gongkai.readers.docx import read_docx_document

    return read_docx_document(data, source, limits)


def _pdf(data: bytes, source: str, limits: ReadLimits) -> SourceDocument:
    from gongkai.readers.pdf import read_pdf_document

    return read_pdf_document(data, source, limits)


READERS: dict[str, DocumentReader] = {
    "text": _text,
    "markdown": _markdown,
    "crawler": _crawler,
    "html": _html,
    "docx": _docx,
    "pdf": _pdf,
}


def sniff(data: bytes, name: str = "") -> str:
    """The format of a report from its first bytes; the extension only breaks ties."""
    head = data[:4096]
    ext = Path(name).suffix.lower()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith((b"\xd0\xcf\x11\xe0",)):
        raise UnsupportedFormat(name or "<bytes>", "这是旧版 Word (.doc) 文件，暂不支持", "请另存为 .docx 后再导入")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsupportedFormat(name or "<bytes>", "不是可识别的报告格式（二进制内容）")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{") and ext in ("", ".json"):
        return "json"
    lowered = head.lower()
    tags = sum(lowered.count(t) for t in (b"<p", b"<table", b"<td", b"<div", b"<html", b"<span", b"<br"))
    if tags >= 3 or stripped.startswith((b"<!doctype", b"<html", b"<?xml")):
        return "html"
    if "==================== 正文 ====================".encode() in data[:8192]:
        return "crawler"
    if ext in (".md", ".markdown"):
        return "markdown"
    if ext in (".htm", ".html"):
        return "html"
    return "text"


def read_document(
    source: str | os.PathLike[str] | bytes,
    format: str | None = None,
    name: str = "",
    limits: ReadLimits = DEFAULT_LIMITS,
) -> SourceDocument:
    """The intermediate document of a report file or bytes (before interpretation)."""
    data, name = _load(source, name, limits)
    fmt = format or sniff(data, name)
    if fmt == "json":
        raise ReportJSONError(name, "JSON 报告模型没有中间文档")
    if fmt not in READERS:
        raise UnsupportedFormat(name, f"未知格式 {fmt}", f"可用格式：{', '.join(FORMATS)}")
    if fmt in ("text", "markdown", "crawler", "html") and len(data) > limits.max_text_bytes:
        raise HostileInput(
            name,
            f"{fmt} 文件过大（{len(data) / 1_000_000:.0f} MB，上限 {limits.max_text_bytes // 1_000_000} MB）",
            "年度报告正文通常不足 1 MB，请确认文件无误",
        )
    try:
        doc = READERS[fmt](data, name, limits)
    except ReadError:
        raise
    except RecursionError as exc:  # deeply nested markup
        raise HostileInput(name, "文档嵌套层级过深，拒绝读取") from exc
    except MemoryError as exc:
        raise HostileInput(name, "文档展开后过大，拒绝读取") from exc
    if fmt in ("text", "markdown") and _looks_glued(doc):
        from gongkai.readers.crawler import read_crawler_document

        doc = read_crawler_document(decode_text(data, name), name, limits)
    return doc


def _looks_glued(doc: SourceDocument) -> bool:
    """Crawler text without its header: table labels and digits run together on one long line."""
    for para in doc.paragraphs:
        text = para.text
        if len(text) > 400 and "第二十条" in text and ("本年新收政府信息公开申请数量" in text):
            return True
    return False


def _load(source: str | os.PathLike[str] | bytes, name: str, limits: ReadLimits) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        data = source
        name = name or "<bytes>"
    else:
        path = Path(source)
        name = name or str(source)
        try:
            size = path.stat().st_size
            if size > limits.max_file_bytes:
                raise HostileInput(
                    name, f"文件过大（{size // 1_000_000} MB，上限 {limits.max_file_bytes // 1_000_000} MB）"
                )
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise ReadError(name, "文件不存在") from exc
        except IsADirectoryError as exc:
            raise ReadError(name, "这是一个目录，不是文件") from exc
        except PermissionError as exc:
            raise ReadError(name, "没有读取权限") from exc
    if not data.strip():
        raise ReadError(name, "文件为空")
    if len(data) > limits.max_file_bytes:
        raise HostileInput(name, f"内容过大（上限 {limits.max_file_bytes // 1_000_000} MB）")
    return data, name


def read(
    source: str | os.PathLike[str] | bytes,
    format: str | None = None,
    name: str = "",
    limits: ReadLimits = DEFAULT_LIMITS,
) -> Report:
    """Read a report from a file path or bytes, sniffing its format unless ``format`` is given.

    >>> report = read("../shared/seeds/002_557b3571ae78e526.txt")  # doctest: +SKIP
    >>> report.cell("t2.licensing.decisions").value  # doctest: +SKIP
    5
    """
    return read_interpretation(source, format, name, limits).report


def read_interpretation(
    source: str | os.PathLike[str] | bytes,
    format: str | None = None,
    name: str = "",
    limits: ReadLimits = DEFAULT_LIMITS,
) -> Interpretation:
    """The report with the intermediate stages that produced it."""
    from gongkai.extract import Interpretation, interpret

    data, name = _load(source, name, limits)
    fmt = format or sniff(data, name)
    if fmt == "json":
        report = report_from_json(data, name)
        return Interpretation(report, SourceDocument(name, "json"))
    doc = read_document(data, fmt, name, limits)
    return interpret(doc)


def report_from_json(data: bytes, name: str) -> Report:
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportJSONError(name, f"不是有效的 JSON：{exc}") from exc
    except RecursionError as exc:  # arrays nested thousands deep
        raise HostileInput(name, "JSON 嵌套层级过深，拒绝读取") from exc
    if not isinstance(payload, dict) or "tables" not in payload or "meta" not in payload:
        raise ReportJSONError(name, "JSON 不是 gongkai 报告模型（缺少 meta 或 tables）", "请用 gongkai parse --format json 生成")
    problem = model_type_problem(payload)
    if problem:
        raise ReportJSONError(name, f"报告模型字段有误：{problem}", "请用 gongkai parse --format json 生成")
    try:
        report = Report.from_dict(payload)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # AttributeError: an object where the model has a list or the reverse ("meta": null)
        raise ReportJSONError(name, f"报告模型字段有误：{type(exc).__name__}: {exc}") from exc
    return report if report.source else Report(report.meta, report.sections, report.tables, name, "json")


FieldTypes = dict[str, tuple[type, ...]]
_OPTIONAL_TEXT: tuple[type, ...] = (str, type(None))
_OPTIONAL_INT: tuple[type, ...] = (int, type(None))
_PROVENANCE_FIELDS: FieldTypes = {
    "source": (str,), "reader": (str,), "text": (str,), "line": _OPTIONAL_INT, "table": _OPTIONAL_INT,
    "row": _OPTIONAL_INT, "col": _OPTIONAL_INT, "page": _OPTIONAL_INT, "bbox": (list, type(None)),
    "confidence": (int, float, type(None)),
}  # fmt: skip
_META_FIELDS: FieldTypes = {
    "agency": _OPTIONAL_TEXT, "year": _OPTIONAL_INT, "title": _OPTIONAL_TEXT, "published": _OPTIONAL_TEXT,
    "t2_template": _OPTIONAL_TEXT, "t3_template": _OPTIONAL_TEXT, "agency_source": (str,),
}  # fmt: skip
_SECTION_FIELDS: FieldTypes = {"key": (str,), "heading": (str,), "text": (str,), "provenance": (dict,)}
_TABLE_FIELDS: FieldTypes = {"kind": (str,), "template": (str,), "cells": (list,)}
_CELL_FIELDS: FieldTypes = {
    "id": (str,), "kind": (str,), "value": (int, float, type(None)), "raw": (str,), "unit": (str,),
    "note": (str,), "uncertain": (bool,), "reason": (str,), "provenance": (dict,),
}  # fmt: skip


def model_type_problem(payload: dict[str, Any]) -> str:
    """What in a report-model JSON has the wrong JSON type ("" when nothing): ``Report.from_dict`` trusts the
    types, and a number where a name belongs would only fail later, inside a rule."""
    for key in ("source", "reader"):
        if not isinstance(payload.get(key, ""), str):
            return f"{key} 应为文字"
    checks: list[tuple[str, object, FieldTypes]] = [("meta", payload["meta"], _META_FIELDS)]
    for name, spec in (("sections", _SECTION_FIELDS), ("tables", _TABLE_FIELDS)):
        items = payload.get(name, [])
        if not isinstance(items, list):
            return f"{name} 应为列表"
        for index, item in enumerate(items):
            checks.append((f"{name}[{index}]", item, spec))
            if not isinstance(item, dict):
                continue
            checks.append((f"{name}[{index}].provenance", item.get("provenance", {}), _PROVENANCE_FIELDS))
            cells = item.get("cells", [])
            for number, cell in enumerate(cells if isinstance(cells, list) else []):
                checks.append((f"{name}[{index}].cells[{number}]", cell, _CELL_FIELDS))
                if isinstance(cell, dict):
                    where = f"{name}[{index}].cells[{number}].provenance"
                    checks.append((where, cell.get("provenance", {}), _PROVENANCE_FIELDS))
    for where, item, spec in checks:
        problem = _fields_problem(where, item, spec)
        if problem:
            return problem
    return ""


def _fields_problem(where: str, item: object, spec: FieldTypes) -> str:
    if not isinstance(item, dict):
        return f"{where} 应为对象"
    for key, types in spec.items():
        if key not in item:
            continue
        value = item[key]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            return f"{where}.{key} 的类型不对（{type(value).__name__}）"
    bbox = item.get("bbox")
    if isinstance(bbox, list) and (
        len(bbox) != 4 or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in bbox)
    ):
        return f"{where}.bbox 应为四个数"
    return ""


__all__ = ["FORMATS", "READERS", "read", "read_document", "read_interpretation", "sniff"]
