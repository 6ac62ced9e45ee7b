"""Where a notice template and the office's notice settings come from: the office's directory first, then the
templates shipped in the package.

The root directory is the setting ``GONGKAI_NOTICE_TEMPLATES`` (or passed in). Within it, a file is looked up in

1. ``<root>/<agency id>/`` — one agency's own templates (``<root>/3/correction.docx``);
2. ``<root>/<agency name>/`` — the same, named for people (``<root>/青溪县吴村镇人民政府/``);
3. ``<root>/`` — templates shared by every agency of the installation (a county platform's common form);
4. the package's ``gongkai/data/notices/``.

``notices.toml`` (placeholder defaults and the remedies policy) is merged along the same path, the most specific
value winning; the shipped file documents every key.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.notices.catalog import SPECS, TemplateSpec
from gongkai.notices.docxfill import NoticeTemplateError

TEMPLATES_ENV = "GONGKAI_NOTICE_TEMPLATES"
SETTINGS_FILE = "notices.toml"
SHIPPED_DIR = Path(__file__).resolve().parents[1] / "data" / "notices"
SHIPPED = "shipped"


@dataclass(frozen=True)
class TemplateFile:
    spec: TemplateSpec
    data: bytes
    source: str  # "shipped", or the path of the office's file

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def overridden(self) -> bool:
        return self.source != SHIPPED


@dataclass(frozen=True)
class NoticeSettings:
    placeholders: dict[str, str] = field(default_factory=dict)
    reconsideration_first: tuple[str, ...] = ()
    text_reconsideration_first: str = ""
    text_either: str = ""
    sources: tuple[str, ...] = ()

    def needs_reconsideration_first(self, outcome: str) -> bool:
        return any(fnmatch.fnmatchcase(outcome, pattern) for pattern in self.reconsideration_first)


def templates_root(env: Mapping[str, str] | None = None) -> Path | None:
    environ = os.environ if env is None else env
    configured = environ.get(TEMPLATES_ENV, "").strip()
    return Path(configured).expanduser() if configured else None


class TemplateLibrary:
    """The templates and settings one agency uses."""

    def __init__(self, root: Path | None, agency_id: int, agency_name: str) -> None:
        self.root = root
        self.agency_id = agency_id
        self.agency_name = agency_name

    def directories(self) -> list[Path]:
        """The office's directories, most specific first (only those that exist), then the shipped one."""
        found: list[Path] = []
        if self.root is not None:
            for candidate in (self.root / str(self.agency_id), self.root / self.agency_name, self.root):
                if candidate.is_dir() and candidate not in found:
                    found.append(candidate)
        found.append(SHIPPED_DIR)
        return found

    def template(self, spec: TemplateSpec) -> TemplateFile:
        for directory in self.directories():
            path = directory / spec.filename
            if path.is_file():
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    raise NoticeTemplateError(f"无法读取文书模板 {path}（{exc.strerror or exc}）") from exc
                return TemplateFile(spec, data, SHIPPED if directory == SHIPPED_DIR else str(path))
        raise NoticeTemplateError(f"找不到文书模板 {spec.filename}（软件安装不完整？）")

    def settings(self) -> NoticeSettings:
        placeholders: dict[str, str] = {}
        remedies: dict[str, Any] = {}
        sources: list[str] = []
        for directory in reversed(self.directories()):  # least specific first: later files win
            path = directory / SETTINGS_FILE
            if not path.is_file():
                continue
            data = _load(path)
            sources.append(SHIPPED if directory == SHIPPED_DIR else str(path))
            for key, value in dict(data.get("placeholders", {})).items():
                if not isinstance(value, str):
                    raise NoticeTemplateError(f"{path}：[placeholders] 中“{key}”的值应为文字（加引号）")
                if value.strip() or key not in placeholders:
                    placeholders[str(key)] = value
            remedies.update(dict(data.get("remedies", {})))
        first = remedies.get("reconsideration_first", [])
        if not isinstance(first, list) or not all(isinstance(x, str) for x in first):
            raise NoticeTemplateError(f"{SETTINGS_FILE}：[remedies] reconsideration_first 应为办理结果编号的列表")
        return NoticeSettings(
            placeholders=placeholders,
            reconsideration_first=tuple(first),
            text_reconsideration_first=str(remedies.get("text_reconsideration_first", "")),
            text_either=str(remedies.get("text_either", "")),
            sources=tuple(sources),
        )

    def listing(self) -> list[TemplateFile]:
        return [self.template(spec) for spec in SPECS.values()]


def _load(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise NoticeTemplateError(f"无法读取文书设置 {path}（{exc.strerror or exc}）") from exc
    except tomllib.TOMLDecodeError as exc:
        raise NoticeTemplateError(f"文书设置 {path} 格式有误：{exc}（中文键名须加引号）") from exc


def export_shipped(target: Path) -> list[Path]:
    """Copy the shipped templates and settings into ``target`` for an office to edit (existing files are kept)."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(SHIPPED_DIR.iterdir()):
        if source.suffix not in (".docx", ".toml"):
            continue
        path = target / source.name
        if not path.exists():
            path.write_bytes(source.read_bytes())
            written.append(path)
    return written


__all__ = [
    "SETTINGS_FILE",
    "SHIPPED_DIR",
    "TEMPLATES_ENV",
    "NoticeSettings",
    "TemplateFile",
    "TemplateLibrary",
    "export_shipped",
    "templates_root",
]
