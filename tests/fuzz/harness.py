"""The fuzz contract, checked on every input in a bounded child process (``tests/fuzz/worker.py``).

``Sandbox.read`` sends the bytes to the fork server and gets back what happened; ``assert_contract`` holds
the outcome to the contract of ``tests.fuzz``: a ``Report`` or a ``GongkaiError`` whose message starts with
the file's name; nothing else, no MemoryError under the 1 GiB address-space limit, no more than 5 s of CPU
per MB (at least 5 s), no hang.
"""

from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from hypothesis import HealthCheck, settings

WORKER = Path(__file__).with_name("worker.py")
CPU_PER_MB = 5.0  # seconds of CPU for 1 MB of input (the contract), and the floor for smaller inputs
MEMORY_LIMIT = 1024 * 1024 * 1024  # the child's RLIMIT_AS; what the worker sets
HANG_TIMEOUT = 60.0  # wall seconds before a child is killed: far above the CPU bound, the cores are shared

# GONGKAI_FUZZ_EXAMPLES=N runs every fuzz property with N random examples instead of the small, derandomized
# default the test command uses (bounded CPU, same inputs on every run).
DEEP_EXAMPLES = int(os.environ.get("GONGKAI_FUZZ_EXAMPLES", "0") or 0)


def fuzz_settings(default_examples: int) -> settings:
    """Hypothesis settings for one fuzz property: ``default_examples`` in the test command, more when deep."""
    deep = DEEP_EXAMPLES > 0
    return settings(
        max_examples=DEEP_EXAMPLES if deep else default_examples,
        deadline=None,  # time is the sandbox's to measure (child CPU), not the wall clock of a shared machine
        derandomize=not deep,
        database=None if not deep else _default_database(),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
        print_blob=True,
    )


def _default_database() -> Any:
    default = settings.default
    return default.database if default is not None else None


@dataclass(frozen=True)
class Outcome:
    """What one read in the sandbox did, with its measured cost."""

    kind: str  # "report", "value" (sniff), "gongkai" (a GongkaiError), "crash", "timeout"
    cpu: float
    wall: float
    max_rss: int
    details: dict[str, Any]

    @property
    def message(self) -> str:
        return str(self.details.get("message", ""))

    @property
    def cells(self) -> int:
        """Table cells of the report read (0 for an error)."""
        return int(self.details.get("cells", 0))

    @property
    def error_type(self) -> str:
        return str(self.details.get("type", ""))

    def describe(self) -> str:
        extra = self.details.get("traceback") or self.message
        return f"{self.kind} {self.error_type} cpu={self.cpu:.2f}s rss={self.max_rss >> 20}MB: {extra}"


class Sandbox:
    """A running fork server; one per test session. ``warm_up`` files (one per format) are read and checked
    before the first fork."""

    def __init__(self, warm_up: list[Path]) -> None:
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER), *map(str, warm_up)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self.stats: dict[str, float] = {"inputs": 0, "bytes": 0, "max_cpu": 0.0, "max_rss": 0, "cpu": 0.0}

    def _call(self, request: tuple[Any, ...]) -> dict[str, Any]:
        stdin, stdout = self._pipes()
        payload = pickle.dumps(request)
        stdin.write(struct.pack(">I", len(payload)) + payload)
        stdin.flush()
        head = stdout.read(4)
        if len(head) < 4:
            raise RuntimeError("the fuzz worker died (see tests/fuzz/worker.py)")
        (size,) = struct.unpack(">I", head)
        answer: dict[str, Any] = pickle.loads(stdout.read(size))
        return answer

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        stdin, stdout = self.process.stdin, self.process.stdout
        if stdin is None or stdout is None:
            raise RuntimeError("the fuzz worker has no pipes")
        return stdin, stdout

    def run(self, op: str, data: bytes, fmt: str | None, name: str) -> Outcome:
        answer = self._call((op, data, fmt, name, HANG_TIMEOUT))
        cpu, wall, rss = float(answer.pop("cpu")), float(answer.pop("wall")), int(answer.pop("max_rss"))
        stats = self.stats
        stats["inputs"] += 1
        stats["bytes"] += len(data)
        stats["cpu"] += cpu
        stats["max_cpu"] = max(stats["max_cpu"], cpu)
        stats["max_rss"] = max(stats["max_rss"], rss)
        return Outcome(str(answer.pop("kind")), cpu, wall, rss, answer)

    def read(self, data: bytes, fmt: str | None, name: str) -> Outcome:
        return self.run("read", data, fmt, name)

    def sniff(self, data: bytes, name: str) -> Outcome:
        return self.run("sniff", data, None, name)

    def close(self) -> None:
        stdin = self.process.stdin
        if stdin is not None:
            stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def cpu_bound(size: int) -> float:
    """The CPU seconds an input of ``size`` bytes may take."""
    return CPU_PER_MB * max(1.0, size / 1_000_000)


def assert_contract(outcome: Outcome, data: bytes, name: str) -> None:
    """A report or gongkai's own error naming the file; within the time and memory bounds."""
    assert outcome.kind != "timeout", f"{name}: no answer within {HANG_TIMEOUT:.0f} s ({len(data)} bytes)"
    assert outcome.kind != "crash", f"{name}: {outcome.describe()}"
    assert outcome.kind in ("report", "gongkai", "value"), outcome.describe()
    if outcome.kind == "gongkai":
        assert outcome.message.startswith(f"{name}: "), f"the error does not name the file: {outcome.message}"
        assert "\n" not in outcome.message.strip(), f"not a one-line error: {outcome.message!r}"
        assert not outcome.details.get("memory"), f"{name}: hit the 1 GiB limit: {outcome.describe()}"
    assert outcome.cpu <= cpu_bound(len(data)), (
        f"{name}: {outcome.cpu:.2f} s of CPU for {len(data)} bytes (bound {cpu_bound(len(data)):.1f} s)"
    )
    assert outcome.max_rss < MEMORY_LIMIT, f"{name}: peak RSS {outcome.max_rss >> 20} MB"
