"""File downloads: the bytes with their media type and a Chinese file name that every browser keeps."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Response

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def file_response(data: bytes, media_type: str, filename: str) -> Response:
    """``Content-Disposition`` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987)."""
    fallback = "".join(ch if ch.isascii() and (ch.isalnum() or ch in ".-_") else "_" for ch in filename)
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
    return Response(content=data, media_type=media_type, headers={"Content-Disposition": disposition})


def binary(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI entry of a route answering with a file."""
    return {200: {"content": {media_type: {"schema": {"type": "string", "format": "binary"}}}, "description": description}}


__all__ = ["DOCX", "binary", "file_response"]
