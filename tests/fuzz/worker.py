"""The fuzz sandbox: a fork server that reads each input in a fresh child under the contract's bounds.

Run as a script (``python tests/fuzz/worker.py WARM_UP_FILE...``) by ``tests.fuzz.harness.Sandbox``. It imports the readers
once, then for every request on stdin forks a child that lowers its address-space limit to 1 GiB
(``RLIMIT_AS``), reads the bytes with ``gongkai.readers.read`` (or only sniffs them) and writes the outcome
to a pipe. The server waits with a wall-clock timeout, kills a child that overruns it, and answers with the
outcome plus the child's own CPU time and peak resident memory from ``wait4``. A fresh child per input keeps
one input's memory from hiding in the next one's figures, and a crash of the C libraries (lxml, pdfium)
from taking the session down.

Protocol (binary, on stdin/stdout): a request is a 4-byte big-endian length and a pickled
``(op, data, format, name, timeout)``; the answer is the same framing around a pickled dict.
"""

from __future__ import annotations

import json
import os
import pickle
import resource
import select
import signal
import struct
import sys
import time
import traceback
from typing import Any, BinaryIO

MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes of address space for one read: the contract's 1 GiB


def _frame_read(stream: BinaryIO) -> Any:
    head = stream.read(4)
    if len(head) < 4:
        return None
    (size,) = struct.unpack(">I", head)
    return pickle.loads(stream.read(size))


def _frame_write(stream: BinaryIO, obj: Any) -> None:
    payload = pickle.dumps(obj)
    stream.write(struct.pack(">I", len(payload)) + payload)
    stream.flush()


def _memory_in_chain(exc: BaseException) -> bool:
    """Whether a MemoryError (the address-space limit) sits anywhere under the exception."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, MemoryError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _child(op: str, data: bytes, fmt: str | None, name: str) -> dict[str, Any]:
    from gongkai.errors import GongkaiError
    from gongkai.readers import read, sniff
    from gongkai.rules import check

    try:
        if op == "sniff":
            return {"kind": "value", "value": sniff(data, name)}
        report = read(data, format=fmt, name=name)
        # what `gongkai parse` and `gongkai check` do next with any report read: a report the reader gives
        # must survive them too
        json.dumps(report.to_dict(), ensure_ascii=False)
        check(report)
        return {"kind": "report", "value": report.source, "cells": sum(len(t.cells) for t in report.tables)}
    except GongkaiError as exc:
        return {
            "kind": "gongkai",
            "type": type(exc).__name__,
            "message": str(exc),
            "memory": _memory_in_chain(exc),
        }
    except BaseException as exc:
        return {
            "kind": "crash",
            "type": type(exc).__name__,
            "message": str(exc)[:2000],
            "traceback": traceback.format_exc()[-6000:],
            "memory": _memory_in_chain(exc),
        }


def _run(op: str, data: bytes, fmt: str | None, name: str, timeout: float) -> dict[str, Any]:
    read_end, write_end = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: bounded, reads once, reports, leaves without any clean-up of the server's
        os.close(read_end)
        try:
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
            payload = pickle.dumps(_child(op, data, fmt, name))
        except BaseException as exc:
            payload = pickle.dumps({"kind": "crash", "type": type(exc).__name__, "message": str(exc)[:2000]})
        with os.fdopen(write_end, "wb") as out:
            out.write(payload)
        os._exit(0)
    os.close(write_end)
    chunks: list[bytes] = []
    timed_out = False
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        while True:
            left = timeout - (time.monotonic() - start)
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([pipe], [], [], left)
            if not ready:
                continue
            chunk = pipe.read(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status, usage = os.wait4(pid, 0)
    wall = time.monotonic() - start
    if timed_out:
        outcome: dict[str, Any] = {"kind": "timeout"}
    elif os.WIFSIGNALED(status):
        outcome = {"kind": "crash", "type": f"signal {os.WTERMSIG(status)}", "message": "the child died"}
    else:
        try:
            outcome = pickle.loads(b"".join(chunks))
        except Exception as exc:
            outcome = {"kind": "crash", "type": "no answer", "message": f"{type(exc).__name__}: {exc}"}
    outcome["cpu"] = usage.ru_utime + usage.ru_stime
    outcome["wall"] = wall
    outcome["max_rss"] = usage.ru_maxrss * 1024  # kilobytes on Linux
    return outcome


def main() -> None:
    # Everything a read may import, imported once here so each child starts warm (and its time is the read's).
    import charset_normalizer  # noqa: F401
    import docx  # noqa: F401
    import pdfplumber  # noqa: F401
    from pdfminer import pdfpage  # noqa: F401

    import gongkai.extract
    import gongkai.readers
    import gongkai.rules
    from gongkai.readers import crawler, html, pdf, text
    from gongkai.readers import docx as docx_reader

    del gongkai, crawler, html, pdf, text, docx_reader
    # Lazy caches (the gazetteer of the place rules, label tables, memos) are filled once here, before any
    # fork, so each child's CPU time is its own input's.
    from gongkai.readers import read
    from gongkai.rules import check

    for path in sys.argv[1:]:
        with open(path, "rb") as warm_up:
            check(read(warm_up.read(), name=path))
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # stray prints of a library must not corrupt the answers
    while (request := _frame_read(stdin)) is not None:
        op, data, fmt, name, timeout = request
        _frame_write(stdout, _run(op, data, fmt, name, timeout))


if __name__ == "__main__":
    main()
