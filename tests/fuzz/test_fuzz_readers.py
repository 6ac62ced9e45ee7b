"""Every reader, fed structured garbage: a report or gongkai's own error naming the file, within the bounds.

Each input goes through ``gongkai.readers.read(data, format=…)`` in the sandbox (``tests.fuzz.harness``): a
fresh child under a 1 GiB address-space limit, its CPU time and peak memory measured. The example counts
below are the test command's (about a minute of CPU in all); ``GONGKAI_FUZZ_EXAMPLES`` raises them.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.fuzz import strategies as gen
from tests.fuzz.harness import Sandbox, assert_contract, fuzz_settings

from gongkai.errors import UnsupportedFormat
from gongkai.readers import FORMATS, sniff

TEXT_FORMATS = ("text", "markdown", "crawler")


@fuzz_settings(300)
@given(data=st.one_of(st.binary(max_size=5000), gen.mutated_files(*gen.SEED_SUFFIXES).map(lambda d: d[0])))
def test_sniff_names_a_format_or_refuses_naming_the_file(data: bytes) -> None:
    try:
        fmt = sniff(data, "fuzz.bin")
    except UnsupportedFormat as err:
        assert str(err).startswith("fuzz.bin: ")
    else:
        assert fmt in FORMATS


@fuzz_settings(60)
@given(drawn=gen.mutated_files(*gen.SEED_SUFFIXES, ".json"))
def test_any_mutated_file_sniffed(sandbox: Sandbox, drawn: gen.Drawn) -> None:
    data, name = drawn
    assert_contract(sandbox.read(data, None, name), data, name)


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
@fuzz_settings(40)
@given(drawn=st.one_of(gen.text_files(), gen.markdown_files(), gen.crawler_files(), gen.mutated_files(".txt", ".md")))
def test_text_readers(sandbox: Sandbox, fmt: str, drawn: gen.Drawn) -> None:
    data, name = drawn
    assert_contract(sandbox.read(data, fmt, name), data, name)


@fuzz_settings(80)
@given(drawn=st.one_of(gen.html_pages(), gen.html_pages(), gen.mutated_files(".html")))
def test_html_reader(sandbox: Sandbox, drawn: gen.Drawn) -> None:
    data, name = drawn
    assert_contract(sandbox.read(data, "html", name), data, name)


@fuzz_settings(60)
@given(drawn=st.one_of(gen.docx_files(), gen.docx_files(), gen.mutated_files(".docx")))
def test_docx_reader(sandbox: Sandbox, drawn: gen.Drawn) -> None:
    data, name = drawn
    assert_contract(sandbox.read(data, "docx", name), data, name)


@fuzz_settings(30)
@given(drawn=gen.pdf_files())
def test_pdf_reader(sandbox: Sandbox, drawn: gen.Drawn) -> None:
    data, name = drawn
    assert_contract(sandbox.read(data, "pdf", name), data, name)


@fuzz_settings(40)
@given(drawn=gen.json_models())
def test_report_model_json(sandbox: Sandbox, drawn: gen.Drawn) -> None:
    data, name = drawn
    assert_contract(sandbox.read(data, "json", name), data, name)


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "pdf"])
@fuzz_settings(15)
@given(drawn=st.one_of(gen.mutated_files(*gen.SEED_SUFFIXES), st.binary(min_size=1, max_size=2000).map(lambda b: gen.Sample(b, "random.bin"))))
def test_every_reader_on_every_kind_of_file(sandbox: Sandbox, fmt: str, drawn: gen.Drawn) -> None:
    """Files read as a format they are not (a PDF as HTML, a DOCX as crawler text...)."""
    data, name = drawn
    assert_contract(sandbox.read(data, fmt, name), data, name)
