"""Every hand-built hostile PDF of ``tests/fuzz/hostile_pdfs.py``, read in the fuzz sandbox at the default
limits: within the contract (5 s of CPU per MB, at least 5 s; under 1 GiB) and refused for what it is.

Before the work budget, bounded filters and linear-time replacements of ``gongkai.readers.pdfsafe``, 24 of
these broke the contract (up to a minute of CPU, 1 GB, a crashed child); ``bench/pdf_bench.py --hostile``
prints what each costs now. Together they take about 40 s of CPU: most run until the budget is spent.
"""

from __future__ import annotations

import pytest
from tests.fuzz.harness import Sandbox, assert_contract
from tests.fuzz.hostile_pdfs import HOSTILE_PDFS

WORK = "工作量超过此大小的文件允许的上限"
REFUSED = {  # what the refusal names (a fragment of the message)
    "text-show-operators": "字符过多",
    "long-text-string": "字符过多",
    "path-operators": "图形路径过多",
    "rectangle-fills": "图形路径过多",
    "long-path": WORK,
    "inline-images": "图像过多",
    "nested-saves": "解析的指令和对象过多",
    "operands-without-operators": "解析的指令和对象过多",
    "operand-stack-pops": "解析的指令和对象过多",
    "escaped-string": "字符过多",
    "text-array": "字符过多",
    "nested-arrays": "解析的指令和对象过多",
    "form-drawn-many-times": "图形路径过多",
    "form-fan-out": WORK,
    "form-chain": "嵌套超过",
    "pages-sharing-heavy-stream": "图形路径过多",
    "pages-sharing-many-streams": "图形路径过多",
    "deep-page-tree": "嵌套过深",
    "lzw-bomb-content": "解压后过大",
    "lzw-bomb-font": "解压后过大",
    "runlength-bomb": "解压后过大",
    "runlength-plain": "绘制指令超过",
    "ascii-hex-lzw": "解压后过大",
    "ascii85-zeros": "解压后过大",
    "filter-chain": "绘制指令超过",
    "png-predictor-stream": "数据流解码过多",
    "object-stream-bomb": "解压后过大",
    "font-width-range": "字符映射表的条目过多",
    "tounicode-range": "字符映射表的条目过多",
    "tounicode-many-ranges": "字符映射表的条目过多",
    "truetype-cmap": "字符映射表的条目过多",
    "info-fan-out": "解析的指令和对象过多",
    "page-box-fan-out": "解析的指令和对象过多",
    "font-box-fan-out": "解析的指令和对象过多",
    "grid-with-text": WORK,
}
READ = {"inline-image-of-e-bytes", "many-fonts", "dense-grid"}  # harmless once linear
BROKEN = {"wide-page-tree": "没有任何页面"}  # a page tree with no page: a plain read error, quickly


def test_every_builder_has_an_expected_outcome() -> None:
    assert set(HOSTILE_PDFS) == set(REFUSED) | READ | set(BROKEN)


@pytest.mark.parametrize("name", sorted(HOSTILE_PDFS))
def test_hostile_pdf_within_the_contract(sandbox: Sandbox, name: str) -> None:
    data = HOSTILE_PDFS[name]()
    outcome = sandbox.read(data, "pdf", f"{name}.pdf")
    assert_contract(outcome, data, f"{name}.pdf")
    if name in READ:
        assert outcome.kind == "report", outcome.describe()
    elif name in BROKEN:
        assert outcome.error_type == "ReadError" and BROKEN[name] in outcome.message, outcome.describe()
    else:
        assert outcome.error_type == "HostileInput" and REFUSED[name] in outcome.message, outcome.describe()
