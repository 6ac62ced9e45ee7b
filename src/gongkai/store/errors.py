"""Errors of the ledger's storage, each with a one-line Chinese message for the clerk."""

from __future__ import annotations

from gongkai.errors import GongkaiError


class StoreError(GongkaiError):
    """Base of the storage errors."""


class ConflictError(StoreError):
    """Someone else changed the record since it was read (optimistic locking): nothing was written."""

    def __init__(self, what: str, detail: str = "") -> None:
        self.what = what
        message = f"{what}已被他人修改，本次操作未保存，请刷新后重试"
        if detail:
            message += f"（{detail}）"
        super().__init__(message)


class NotFound(StoreError):
    """No such record for this agency (another agency's record is reported the same way: it does not exist here)."""

    def __init__(self, what: str, key: object) -> None:
        self.what = what
        self.key = key
        super().__init__(f"本机关没有{what}“{key}”")


class InvalidRecord(StoreError):
    """Input that cannot become a record (missing field, wrong order of dates, closed application …)."""


class SecretKeyError(StoreError):
    """The key that protects applicants' personal information is missing, malformed or wrong."""


class ImportRowError(StoreError):
    """A bad row in an imported file: names the file, the line and the column."""

    def __init__(self, file: str, line: int, column: str, problem: str, more: int = 0) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem
        self.more = more
        message = f"{file} 第{line}行「{column}」列：{problem}"
        if more:
            message += f"（另有 {more} 处错误）"
        message += "；整个文件未导入"
        super().__init__(message)
