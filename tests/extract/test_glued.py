"""Glued crawler text: the reader, the digit splitter and its identities, and the crawler reports of the corpus."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.export import cells_record
from gongkai.extract import digits as dg
from gongkai.extract.glued import read_glued
from gongkai.extract.sections import heading_key
from gongkai.model.report import SectionKey, ValueKind
from gongkai.model.templates import T3_2021, RowSpec
from gongkai.readers import read, read_document, read_interpretation, sniff
from gongkai.readers.crawler import read_crawler_document

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS = SHARED / "corpus"
CRAWLER_REPORTS = ("007", "009", "010", "011")
COUNT7 = (dg.COUNT,) * 7
T4_SLOTS = (dg.COUNT,) * 15


def corpus_file(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():  # fail loudly: the corpus is part of the test suite, never skipped
        raise AssertionError(f"corpus file missing: {path} (expected the shared corpus beside the repository)")
    return path


def label(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(corpus_file(f"labels/{name}.json").read_text(encoding="utf-8"))
    return data


HEADER = "\n".join(
    [
        "标题: 某某县2022年度政府信息公开工作年度报告",
        "发布时间: 2023-01-20 15:22",
        "文号: ",  # empty values keep their trailing space, as the crawler writes them
        "发布机构: ",
        "栏目: 政府信息公开年报",
        "原文链接: https://example.gov.cn/t.htm",
        "本地目录: x",
        "页面链接与图片详见 links.tsv(同目录)",
        "==================== 正文 ====================",
        "",
    ]
)


# ---------------------------------------------------------------------------------------------------------
# Building synthetic crawler text
# ---------------------------------------------------------------------------------------------------------


def t3_text(rows: dict[str, str]) -> str:
    """Table 三 (2021) as a crawler prints it: group labels once, row numbers glued to the previous digits."""
    out = ["三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"]
    group = ""
    for row in T3_2021.rows:
        if row.group and row.group != group:
            out.append(row.group)
            group = row.group
        out.append(f"{row.number}{row.label}{rows.get(row.key, '0000000')}")
    return "".join(out)


def document(t3: dict[str, str], *, t4: str = "000000000000000", t2: str | None = None, header: bool = True) -> str:
    t2 = t2 if t2 is not None else (
        "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件212第二十条第（五）项"
        "信息内容本年处理决定数量行政许可15第二十条第（六）项信息内容本年处理决定数量行政处罚7行政强制0"
        "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费12.5"
    )
    body = (
        "某某县2022年度政府信息公开工作年度报告 本报告所列数据统计期限为2022年1月1日至2022年12月31日。"
        "一、总体情况 2022年，某某县坚持公开。（一）主动公开 持续推进。二、主动公开政府信息情况"
        + t2
        + t3_text(t3)
        + "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
        "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
        + t4
        + "五、存在的主要问题及改进情况 仍有不足。六、其他需要报告的事项 无。"
    )
    return (HEADER if header else "") + body + "\n"


CONSISTENT = {  # a table 三 whose rows are 11/1 and 1/11 persons, only the columns tell them apart
    "new": "121000013",
    "granted": "111000012",  # 11/1 or 1/11 alone
    "partially_granted": "1000001",
    "total": "121000013",
}


# ---------------------------------------------------------------------------------------------------------
# The reader
# ---------------------------------------------------------------------------------------------------------


def test_reader_splits_header_from_body() -> None:
    text = HEADER + "正文一行 规章000\n\n第二行\n"
    doc = read_crawler_document(text, "x.txt")
    assert doc.glued and doc.reader == "crawler"
    assert doc.title_hint == "某某县2022年度政府信息公开工作年度报告"
    assert doc.published_hint == "2023-01-20 15:22"
    assert [p.text for p in doc.paragraphs] == ["正文一行 规章000", "第二行"]
    first = doc.paragraphs[0].provenance
    assert (first.source, first.reader, first.line) == ("x.txt", "crawler", 10)
    assert doc.paragraphs[1].provenance.line == 12


def test_reader_without_header_keeps_everything_as_body() -> None:
    doc = read_crawler_document("规章000行政许可5\n", "y.txt")
    assert doc.title_hint is None and doc.published_hint is None
    assert doc.paragraphs[0].provenance.line == 1 and doc.glued


def test_sniffed_by_marker_and_by_glued_body() -> None:
    assert sniff(document(CONSISTENT).encode(), "a.txt") == "crawler"
    headless = document(CONSISTENT, header=False).encode()
    assert read_document(headless, name="b.txt").reader == "crawler"
    report = read(headless, name="b.txt")
    assert report.meta.year == 2022 and report.meta.agency == "某某县"


# ---------------------------------------------------------------------------------------------------------
# Cutting one run
# ---------------------------------------------------------------------------------------------------------


def test_glue_keeps_spaces_as_boundary_hints_and_the_unit() -> None:
    run = dg.glue(" 230 000023 ")
    assert run.chars == "230000023" and run.breaks == frozenset({3})
    money = dg.glue("75394432.52元")
    assert money.chars == "75394432.52" and money.unit == "元"


def test_no_leading_zeros_and_decimals_only_in_money() -> None:
    splits = dg.enumerate_splits(dg.glue("1005"), (dg.COUNT,) * 2).pieces
    assert splits == [("100", "5")]  # never 1/005, 10/05
    assert dg.enumerate_splits(dg.glue("9116.36"), (dg.COUNT,)).pieces == []
    assert dg.enumerate_splits(dg.glue("9116.36"), (dg.Slot(money=True),)).pieces == [("9116.36",)]


def test_honoured_spaces_are_boundaries() -> None:
    run = dg.glue("23 0 00 0 023")
    honoured = dg.enumerate_splits(run, COUNT7, identity=True, honour=True).pieces
    assert honoured == [("23", "0", "0", "0", "0", "0", "23")]


def test_space_inside_a_number_falls_back_to_ignoring_spaces() -> None:
    solution = dg.solve_row(dg.glue("1 20000012"), COUNT7, identity=True)
    assert solution.pieces == ("12", "0", "0", "0", "0", "0", "12") and not any(solution.uncertain)


@pytest.mark.parametrize(
    ("printed", "pieces"),
    [
        ("15130000154", ("151", "3", "0", "0", "0", "0", "154")),
        ("491000050", ("49", "1", "0", "0", "0", "0", "50")),
        ("640020470", ("64", "0", "0", "2", "0", "4", "70")),
        ("500000 5", ("5", "0", "0", "0", "0", "0", "5")),
        ("230 000023", ("23", "0", "0", "0", "0", "0", "23")),
    ],
)
def test_t3_rows_decided_by_their_total(printed: str, pieces: tuple[str, ...]) -> None:
    solution = dg.solve_row(dg.glue(printed), COUNT7, identity=True)
    assert solution.pieces == pieces and not any(solution.uncertain)


@pytest.mark.parametrize(
    ("printed", "pieces"),
    [
        ("10203120001200000", "1/0/2/0/3/12/0/0/0/12/0/0/0/0/0"),
        ("25380363300630003", "25/3/8/0/36/3/3/0/0/6/3/0/0/0/3"),
        ("0 1 1 0 2 1 0 0 0 1 0 0 0 0 0", "0/1/1/0/2/1/0/0/0/1/0/0/0/0/0"),
    ],
)
def test_t4_run_decided_by_row_totals(printed: str, pieces: str) -> None:
    solution = dg.solve_row(dg.glue(printed), T4_SLOTS, (5, 5, 5), identity=True)
    assert "/".join(p or "" for p in solution.pieces) == pieces and not any(solution.uncertain)


def test_t2_single_split_is_certain_and_glued_rows_are_flagged() -> None:
    zeros = dg.solve_row(dg.glue("000"), (dg.COUNT,) * 3, prior=dg.t2_prior("documents2021"))
    assert zeros.pieces == ("0", "0", "0") and not any(zeros.uncertain)
    glued = dg.solve_row(dg.glue("693665"), (dg.COUNT,) * 3, prior=dg.t2_prior("documents2021"))
    assert glued.pieces == ("69", "3", "665") and all(glued.uncertain)  # the prior's pick, flagged
    assert glued.reason.startswith("数字粘连")
    items = dg.solve_row(dg.glue("3960181"), (dg.COUNT,) * 3, prior=dg.t2_prior("items"))
    assert items.pieces == ("396", "0", "181") and all(items.uncertain)


def test_money_in_yuan_with_a_count() -> None:
    slots = (dg.COUNT, dg.Slot(money=True))
    run = dg.glue("13575394432.52元")
    solution = dg.solve_row(run, slots, prior=dg.t2_prior("items", slots, run.unit))
    assert solution.pieces == ("135", "75394432.52") and all(solution.uncertain)


def test_fewer_digits_than_cells_keeps_blanks_and_flags() -> None:
    solution = dg.solve_row(dg.glue("5 5"), COUNT7, identity=True)
    assert solution.pieces == ("5", None, None, None, None, None, "5") and all(solution.uncertain)


def test_budget_hit_flags_instead_of_guessing() -> None:
    found = dg.enumerate_splits(dg.glue("123456789123"), COUNT7, budget=10)
    assert found.capped
    solution = dg.settle(found.pieces or [("1",) * 7], dg.zeros_prior, dg.AMBIGUOUS, capped=True)
    assert all(solution.uncertain) and solution.reason == dg.TOO_MANY


# ---------------------------------------------------------------------------------------------------------
# Table 三 as a whole: the column identities
# ---------------------------------------------------------------------------------------------------------


def t3_runs(rows: dict[str, str]) -> list[dg.GluedRun | None]:
    return [dg.glue(rows.get(r.key, "0000000")) for r in T3_2021.rows]


def test_columns_decide_a_row_its_total_cannot() -> None:
    alone = dg.solve_row(dg.glue("111000012"), COUNT7, identity=True)
    assert alone.uncertain[0] and alone.uncertain[1]
    rows = dict(CONSISTENT)
    solved = dg.solve_t3(t3_runs(rows))
    granted = solved[2]
    assert granted is not None and granted.pieces[:2] == ("11", "1") and not any(granted.uncertain)
    assert granted.note == dg.DECIDED


def test_columns_leave_a_swap_open() -> None:
    rows = {
        "new": "1212000024",
        "granted": "111000012",  # 11/1 …
        "partially_granted": "111000012",  # … and 1/11, or the other way round
        "total": "1212000024",
    }
    solved = dg.solve_t3(t3_runs(rows))
    for i in (2, 3):
        row = solved[i]
        assert row is not None
        assert row.uncertain[:2] == (True, True) and not any(row.uncertain[2:])
        assert row.reason.startswith(dg.AMBIGUOUS)
    assert solved[0] is not None and not any(solved[0].uncertain)


def test_misprinted_table_reads_rows_alone() -> None:
    rows = dict(CONSISTENT, total="131000014")  # 总计 disagrees with the result rows
    solved = dg.solve_t3(t3_runs(rows))
    granted = solved[2]
    assert granted is not None and granted.uncertain[0] and granted.reason.startswith(dg.IDENTITY_BROKEN)
    partial = solved[3]
    assert partial is not None and not any(partial.uncertain)  # "1000001": its own total decides it


# ---------------------------------------------------------------------------------------------------------
# Properties: a wrong cell is never silent
# ---------------------------------------------------------------------------------------------------------

_COUNT = st.one_of(st.just(0), st.just(0), st.integers(1, 9), st.integers(10, 999))


@st.composite
def t3_tables(draw: st.DrawFn) -> list[list[int]]:
    results = []
    for _ in range(len(T3_2021.rows) - 4):
        cells = [draw(_COUNT)] + [draw(st.one_of(st.just(0), st.just(0), st.just(0), _COUNT)) for _ in range(5)]
        results.append([*cells, sum(cells)])
    total = [sum(r[c] for r in results) for c in range(7)]
    forward = [draw(st.one_of(st.just(0), st.integers(0, 30))) for _ in range(6)]
    carried = [draw(st.integers(0, total[c] + forward[c])) for c in range(6)]
    new = [total[c] + forward[c] - carried[c] for c in range(6)]
    row = lambda cells: [*cells, sum(cells)]  # noqa: E731
    return [row(new), row(carried), *results, total, row(forward)]


def glue_row(draw: st.DrawFn, values: list[int], spaces: bool) -> str:
    out = str(values[0])
    for v in values[1:]:
        out += (" " if spaces and draw(st.booleans()) else "") + str(v)
    return out


def assert_no_silent_error(truth: list[int], solution: dg.RowSolution | None) -> None:
    assert solution is not None
    for value, piece, unsure in zip(truth, solution.pieces, solution.uncertain, strict=True):
        if not unsure:
            assert piece == str(value), (truth, solution)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(table=t3_tables(), spaces=st.booleans(), data=st.data())
def test_t3_solver_never_silently_wrong(table: list[list[int]], spaces: bool, data: st.DataObject) -> None:
    printed = [glue_row(data.draw, row, spaces) for row in table]
    solved = dg.solve_t3([dg.glue(p) for p in printed])
    for truth, solution in zip(table, solved, strict=True):
        assert_no_silent_error(truth, solution)
    if not any(any(s.uncertain) for s in solved if s is not None):
        assert [list(s.pieces) for s in solved if s is not None] == [[str(v) for v in r] for r in table]


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.lists(_COUNT, min_size=4, max_size=4), min_size=3, max_size=3),
    spaces=st.booleans(),
    data=st.data(),
)
def test_t4_solver_never_silently_wrong(rows: list[list[int]], spaces: bool, data: st.DataObject) -> None:
    truth = [v for r in rows for v in (*r, sum(r))]
    solution = dg.solve_row(dg.glue(glue_row(data.draw, truth, spaces)), T4_SLOTS, (5, 5, 5), identity=True)
    assert_no_silent_error(truth, solution)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(_COUNT, min_size=3, max_size=3))
def test_t2_rows_flag_every_open_cell(values: list[int]) -> None:
    solution = dg.solve_row(dg.glue("".join(map(str, values))), (dg.COUNT,) * 3, prior=dg.t2_prior("items"))
    assert_no_silent_error(values, solution)


# ---------------------------------------------------------------------------------------------------------
# Whole documents
# ---------------------------------------------------------------------------------------------------------


def test_document_row_numbers_blank_rows_and_templates() -> None:
    rows = dict(CONSISTENT, **{"withheld.state_secret": "", "withheld.third_party": "1000001"})
    rows["new"], rows["total"] = "131000014", "131000014"
    report = read_interpretation(document(rows).encode(), name="c.txt").report
    cells = report.cells
    assert report.meta.t2_template == "2021" and report.meta.t3_template == "2021"
    # "…1000001" then "5.属于三类内部事务信息": the row number is not a digit of the row
    assert [cells[f"t3.withheld.third_party.{c.key}"].value for c in T3_2021.rows[0].columns] == [1, 0, 0, 0, 0, 0, 1]
    blank = cells["t3.withheld.state_secret.natural_person"]
    assert blank.kind is ValueKind.BLANK and blank.value is None and not blank.uncertain
    assert cells["t3.granted.natural_person"].value == 11 and not cells["t3.granted.natural_person"].uncertain
    assert cells["t2.fees.amount"].value == Decimal("12.5") and not cells["t2.fees.amount"].uncertain
    # "212" into three cells can only be 2/1/2: certain without any identity
    assert [cells[f"t2.normative_documents.{k}"].value for k in ("issued", "repealed", "in_force")] == [2, 1, 2]
    assert not cells["t2.normative_documents.issued"].uncertain
    assert {s.key for s in report.sections} == set(SectionKey)


def test_missing_row_is_missing_not_zero() -> None:
    text = document(CONSISTENT).replace("4.无正当理由大量反复申请0000000", "")
    report = read(text.encode(), name="d.txt")
    cell = report.cell("t3.not_processed.excessive.total")
    assert cell is not None and cell.kind is ValueKind.MISSING and cell.uncertain


def test_row_label_in_the_narrative_is_not_the_table() -> None:
    text = document(CONSISTENT).replace("坚持公开。", "坚持公开，本年新收政府信息公开申请数量74件。")
    cell = read(text.encode(), name="g.txt").cell("t3.new.total")
    assert cell is not None and cell.value == 13 and not cell.uncertain


def test_misprinted_label_matched_loosely() -> None:
    text = document(CONSISTENT).replace("其他法律行政法规禁止公开", "其他法律行政止公开")
    report = read(text.encode(), name="e.txt")
    cell = report.cell("t3.withheld.prohibited_by_law.total")
    assert cell is not None and cell.kind is ValueKind.NUMBER and cell.value == 0


def test_not_applicable_marks_are_not_numbers() -> None:
    text = document(CONSISTENT).replace("行政事业性收费12.5", "行政事业性收费—").replace("3.其他0000000", "3.其他/")
    report = read(text.encode(), name="f.txt")
    fee, other = report.cell("t2.fees.amount"), report.cell("t3.other.other.natural_person")
    assert fee is not None and fee.kind is ValueKind.NOT_APPLICABLE and fee.value is None
    assert other is not None and other.kind is not ValueKind.NUMBER


def test_2019_tables_detected() -> None:
    text = corpus_file("007.txt").read_text(encoding="utf-8")
    report = read(text.encode(), name="007.txt")
    assert report.meta.t2_template == "2019" and report.meta.t3_template == "2019"
    assert report.cell("t3.other.total.total") is not None


def test_headings_are_lines_of_their_own() -> None:
    glued = read_glued(read_document(corpus_file("009.txt")))
    headings = [ln.text for ln in glued.text_lines if ln.is_heading]
    assert [heading_key(h, True) for h in headings] == list(SectionKey)
    assert headings[3] == "四、政府信息公开行政法复议、行政诉讼情况"


# ---------------------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------------------


def parsed(name: str) -> dict[str, Any]:
    return cells_record(read(str(corpus_file(f"{name}.txt"))))


@pytest.mark.parametrize("name", CRAWLER_REPORTS)
def test_corpus_report_exact_except_flagged(name: str) -> None:
    want, got = label(name), parsed(name)
    assert got["meta"]["t2_template"] == want["meta"]["t2_template"]
    assert got["meta"]["t3_template"] == want["meta"]["t3_template"]
    assert got["meta"]["year"] == want["meta"]["year"]
    assert got["meta"]["agency"] == want["meta"]["agency"]
    assert set(got["cells"]) == set(want["cells"])
    unsure = set(got["uncertain"])
    silent = {k: (got["cells"][k], v) for k, v in want["cells"].items() if k not in unsure and got["cells"][k] != v}
    assert not silent
    # The identities decide tables 三 and 四 completely; only glued multi-cell rows of table 二 stay open.
    assert all(k.startswith("t2.") for k in unsure)


def test_corpus_flags_only_open_table_two_rows() -> None:
    assert sorted({k.rsplit(".", 1)[0] for k in parsed("007")["uncertain"]}) == [
        "t2.coercion", "t2.fees", "t2.licensing", "t2.normative_documents", "t2.other_services",
        "t2.procurement", "t2.punishment",
    ]
    for name in ("009", "010", "011"):
        assert sorted(parsed(name)["uncertain"]) == [
            "t2.normative_documents.in_force", "t2.normative_documents.issued", "t2.normative_documents.repealed",
        ]


def test_corpus_values_and_provenance() -> None:
    report = read(str(corpus_file("007.txt")))
    amount = report.cell("t2.procurement.amount")
    assert amount is not None and amount.value == Decimal("7539.443252") and amount.unit == "元"
    new = report.cell("t3.new.natural_person")
    assert new is not None and new.value == 23
    assert (new.provenance.reader, new.provenance.line, new.provenance.text) == ("crawler", 10, "230 000023")
    fee = read(str(corpus_file("010.txt"))).cell("t2.fees.amount")
    assert fee is not None and fee.value == Decimal("24252.311082") and not fee.uncertain


def test_old_format_report_has_no_tables() -> None:
    want = label("016")
    report = read(str(corpus_file("016.txt")))
    record = cells_record(report)
    assert report.tables == () and record["cells"] == {}
    assert record["meta"]["t2_template"] == "none" and record["meta"]["t3_template"] == "none"
    assert record["meta"]["year"] == want["meta"]["year"] == 2018


def test_markdown_text_is_not_taken_for_glued() -> None:
    assert not read_document(corpus_file("006.txt")).glued


@pytest.mark.parametrize("name", CRAWLER_REPORTS)
def test_corpus_sections_found(name: str) -> None:
    report = read(str(corpus_file(f"{name}.txt")))
    assert [s.key for s in report.sections] == list(SectionKey)


def test_corpus_reports_parse_quickly() -> None:
    docs = [read_document(corpus_file(f"{n}.txt")) for n in (*CRAWLER_REPORTS, "016")]
    read_glued(docs[0])  # warm caches
    for doc in docs:
        start = time.perf_counter()
        read_glued(doc)
        assert time.perf_counter() - start < 0.25, doc.source


def test_row_keys_prefer_the_longest_alias() -> None:
    from gongkai.extract.glued import row_keys

    row = RowSpec("x", "部分公开（区分处理的，只计这一情形，不计其他情形）", aliases=("部分公开",))
    assert row_keys(row) == ("部分公开区分处理的只计这一情形不计其他情形", "部分公开")
