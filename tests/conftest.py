"""Shared fixtures. Tests read the ground truth in ../shared; when it is missing they fail loudly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"ground truth missing: {path} (tests need ../shared beside the repository)")
    return path


def load_label(folder: str, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(shared_path(folder, "labels", name).read_text(encoding="utf-8"))
    return data


def labels_in(folder: str) -> list[tuple[Path, dict[str, Any]]]:
    out = []
    for path in sorted(shared_path(folder, "labels").glob("*.json")):
        label = json.loads(path.read_text(encoding="utf-8"))
        out.append((shared_path(folder, label["source"]), label))
    return out


@pytest.fixture(scope="session")
def shared() -> Path:
    return shared_path()
