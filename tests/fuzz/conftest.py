"""The fuzz sandbox, one fork server for the whole session; its measured bounds are printed at the end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.conftest import shared_path
from tests.fuzz.harness import Sandbox

WARM_UP = (
    ("seeds", "002_557b3571ae78e526.txt"),
    ("corpus", "004.md"),
    ("corpus", "007.txt"),
    ("corpus", "014.html"),
    ("corpus", "019.docx"),
    ("corpus", "002.pdf"),
)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox([shared_path(*parts) for parts in WARM_UP])
    yield box
    box.close()
    stats = box.stats
    print(
        f"\nfuzz sandbox: {stats['inputs']:.0f} inputs, {stats['bytes'] / 1e6:.1f} MB, "
        f"child CPU {stats['cpu']:.1f} s (worst {stats['max_cpu']:.2f} s), peak RSS {stats['max_rss'] / 2**20:.0f} MB"
    )
