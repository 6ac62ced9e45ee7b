"""Statutory notices of 依申请公开 as DOCX: 受理回执, 补正告知书, 延期答复告知书, 第三方意见征询函, 收费通知书 and an
答复书 for every table-三 outcome — filled from templates an office can edit, numbered per agency, year and series
(吴村〔2025〕补正第3号), and recorded.

>>> from gongkai.notices import NoticeKind, issue_notice
>>> issued = issue_notice(session=s, agency_id=1, application_id=7, kind=NoticeKind.CORRECTION,
...                       issued_on=date(2025, 9, 24), actor="周敏", fields={"补正事项": "…"})  # doctest: +SKIP
>>> Path("补正告知书.docx").write_bytes(issued.document)  # doctest: +SKIP

* :mod:`~gongkai.notices.catalog` — the kinds, the wording and the placeholders;
* :mod:`~gongkai.notices.templates` — where templates and the office's settings (``notices.toml``) come from;
* :mod:`~gongkai.notices.docxfill` — filling placeholders however Word split them into runs;
* :mod:`~gongkai.notices.issue` — numbering, filling and recording;
* :mod:`~gongkai.notices.build_templates` — builds the shipped templates.
"""

from __future__ import annotations

from gongkai.notices.catalog import (
    NOTICE_KIND_LABELS,
    PLACEHOLDERS,
    SPECS,
    NoticeKind,
    TemplateSpec,
    spec_for,
)
from gongkai.notices.docxfill import NoticeTemplateError, document_text, fill, placeholders_in
from gongkai.notices.issue import (
    IssuedNotice,
    Notice,
    issue_notice,
    list_notices,
    notice_document,
    notice_number,
)
from gongkai.notices.templates import (
    TEMPLATES_ENV,
    NoticeSettings,
    TemplateFile,
    TemplateLibrary,
    templates_root,
)

__all__ = [
    "NOTICE_KIND_LABELS",
    "PLACEHOLDERS",
    "SPECS",
    "TEMPLATES_ENV",
    "IssuedNotice",
    "Notice",
    "NoticeKind",
    "NoticeSettings",
    "NoticeTemplateError",
    "TemplateFile",
    "TemplateLibrary",
    "TemplateSpec",
    "document_text",
    "fill",
    "issue_notice",
    "list_notices",
    "notice_document",
    "notice_number",
    "placeholders_in",
    "spec_for",
    "templates_root",
]
