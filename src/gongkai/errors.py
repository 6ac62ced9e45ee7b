"""Every error a user can meet, each saying what went wrong, where, and what to do next."""

from __future__ import annotations


class GongkaiError(Exception):
    """Base of gongkai's errors. ``str(err)`` is a one-line message in Chinese for the user."""


class ReadError(GongkaiError):
    """A source could not be read as a report."""

    def __init__(self, source: str, problem: str, hint: str = "") -> None:
        self.source = source
        self.problem = problem
        self.hint = hint
        message = f"{source}: {problem}"
        if hint:
            message += f"（{hint}）"
        super().__init__(message)


class UnsupportedFormat(ReadError):
    """The bytes are not a format any reader accepts."""


class HostileInput(ReadError):
    """The input looks built to exhaust memory or time (ZIP bomb, entity expansion, oversized part)."""


class ReportJSONError(ReadError):
    """A JSON file that is not a gongkai report model."""
