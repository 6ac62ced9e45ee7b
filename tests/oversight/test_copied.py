"""Copied text (内容雷同): planted copies are found with their passages, template wording is not copying, and the
real seeds and corpus show no copy. ``python -m tests.oversight.test_copied 2000`` prints the speed figure."""

from __future__ import annotations

import random
import sys
import time

from tests.conftest import shared_path

from gongkai.ledger.agencies import normalise_name
from gongkai.oversight.copied import (
    CopyThresholds,
    Narrative,
    find_copied_text,
    narrative_of,
    sentence_key,
    template_sentences,
)
from gongkai.readers import read

OPENING = ("本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》"
           "（国办公开办函〔2021〕30号）要求编制。")


def sentence(rng: random.Random, length: int = 24) -> str:
    """A sentence of random common ideographs: two such sentences share no 8-character run by chance."""
    return "".join(chr(0x4E00 + rng.randrange(3000)) for _ in range(length)) + f"{rng.randrange(1, 999)}件。"


def paragraph(rng: random.Random, sentences: int) -> str:
    return "".join(sentence(rng) for _ in range(sentences))


def make(report_id: int, agency: str, year: int, overview: str, problems: str) -> Narrative:
    return narrative_of(
        report_id, agency, year,
        [("overview", "一、总体情况", overview), ("proactive", "二、主动公开政府信息情况", "表格文字" * 50),
         ("problems", "五、存在的主要问题及改进情况", problems)],
        agency,
    )


def synthetic(count: int, seed: int = 1, copy_every: int = 50) -> tuple[list[Narrative], set[tuple[int, int]]]:
    """``count`` narratives of different agencies of 2024; every ``copy_every``-th copies most of the one before it
    with its own name and other figures. Returns the narratives and the planted (copier, source) pairs."""
    rng = random.Random(seed)
    narratives: list[Narrative] = []
    planted: set[tuple[int, int]] = set()
    for i in range(count):
        agency = f"第{i}号镇"
        if i % copy_every == copy_every - 1:
            source = narratives[-1]
            copied = source.sections[0][1].replace(source.agency, agency)
            copied = "".join(ch if not ch.isdigit() else str((int(ch) + 3) % 10) for ch in copied)
            overview = OPENING + copied[len(OPENING):]
            narratives.append(make(i, agency, 2024, overview, paragraph(rng, 4)))
            planted.add((source.report_id, i))
        else:
            narratives.append(make(i, agency, 2024, OPENING + f"{agency}" + paragraph(rng, 20), paragraph(rng, 4)))
    return narratives, planted


def test_planted_copies_are_found_and_nothing_else() -> None:
    narratives, planted = synthetic(300)
    found = find_copied_text(narratives)
    assert {(c.report_id, c.other_report_id) for c in found} == planted
    for copy in found:
        assert not copy.same_agency and copy.similarity >= 0.5
        a, b = narratives[copy.report_id], narratives[copy.other_report_id]
        assert copy.passages, "a finding shows the shared passages"
        longest = copy.passages[0]
        assert longest.length >= 400  # the whole copied overview, less the opening, in one passage
        a_text = dict(a.sections)[longest.section][longest.start : longest.end]
        b_text = dict(b.sections)[longest.other_section][longest.other_start : longest.other_end]
        # The positions point at the same wording in both texts (figures changed, so compare normalised).
        assert sentence_key(a_text) == sentence_key(b_text)
        assert a_text == longest.text


def test_changed_figures_and_names_do_not_hide_a_copy_and_tables_do_not_count() -> None:
    rng = random.Random(2)
    body = paragraph(rng, 12)
    first = make(1, "甲镇", 2024, "甲镇" + body, paragraph(rng, 3))
    changed = "".join(str((int(c) + 1) % 10) if c.isdigit() else c for c in body)
    second = make(2, "乙镇", 2024, "乙镇" + changed, paragraph(rng, 3))
    (copy,) = find_copied_text([first, second])
    assert (copy.report_id, copy.other_report_id) == (1, 2) and copy.similarity > 0.7
    # The table sections (二、三、四) are identical in every report above and never made a pair on their own.
    assert all(p.section != "二、主动公开政府信息情况" for p in copy.passages)


def test_statutory_wording_is_not_copying() -> None:
    rng = random.Random(3)
    boiler = (OPENING + "现将2024年度政府信息公开工作情况报告如下：\n（一）主动公开\n本年度报告中所列数据的统计期限自2024年1月1日起至"
              "2024年12月31日止。本年度报告的电子版可在本机关门户网站下载。如对本年度报告有任何疑问，请与本机关联系。")
    narratives = [make(i, f"{i}号街道", 2024, boiler + paragraph(rng, 6), paragraph(rng, 2)) for i in range(2)]
    assert find_copied_text(narratives, CopyThresholds(min_similarity=0.01, min_shared=5)) == []


def test_wording_many_agencies_print_is_template_and_two_sharing_it_is_copying() -> None:
    rng = random.Random(4)
    model = paragraph(rng, 10)
    widely = [make(i, f"{i}号乡", 2024, model + paragraph(rng, 3), paragraph(rng, 2)) for i in range(6)]
    assert len(template_sentences(widely)) == 10
    assert find_copied_text(widely) == []
    pair = widely[:2] + [make(i, f"{i}号乡", 2024, paragraph(rng, 13), paragraph(rng, 2)) for i in range(2, 6)]
    assert [(c.report_id, c.other_report_id) for c in find_copied_text(pair)] == [(0, 1)]


def test_last_years_own_report_needs_the_higher_threshold() -> None:
    rng = random.Random(5)
    text = paragraph(rng, 20)
    last = make(10, "甲镇", 2023, text, paragraph(rng, 2))
    mostly = make(11, "甲镇", 2024, text[: len(text) * 9 // 10] + paragraph(rng, 2), paragraph(rng, 2))
    (copy,) = find_copied_text([last, mostly])
    assert copy.same_agency and {copy.report_id, copy.other_report_id} == {10, 11}
    part = text[: len(text) * 6 // 10]
    updated = make(11, "甲镇", 2024, part + paragraph(rng, 8), paragraph(rng, 2))
    assert find_copied_text([last, updated]) == []
    # Between two agencies the same share would be copying.
    other = make(12, "乙镇", 2023, part + paragraph(rng, 8), paragraph(rng, 2))
    assert [c.same_agency for c in find_copied_text([last, other])] == [False]


def test_real_seeds_and_corpus_show_no_copy() -> None:
    paths = [*sorted(shared_path("seeds").glob("*.txt")),
             *(shared_path("corpus", n) for n in ("004.md", "006.txt", "007.txt", "009.txt", "010.txt", "011.txt",
                                                   "014.html", "016.txt"))]
    narratives = []
    for i, path in enumerate(paths):
        report = read(path)
        assert report.meta.agency and report.meta.year
        narratives.append(narrative_of(i, normalise_name(report.meta.agency), report.meta.year,
                                       [(s.key.value, s.heading, s.text) for s in report.sections],
                                       report.meta.agency))
    # 平潭综合实验区 has reports of 2018, 2019, 2021, 2022 and 2025: consecutive years are compared too.
    assert find_copied_text(narratives) == []


def measure(count: int) -> str:
    narratives, planted = synthetic(count)
    chars = sum(len(t) for n in narratives for _, t in n.sections)
    start = time.process_time()
    found = find_copied_text(narratives)
    seconds = time.process_time() - start
    got = {(c.report_id, c.other_report_id) for c in found}
    return (f"{count} narratives, {chars / count:.0f} characters each: {seconds:.2f} s CPU, "
            f"{len(planted)} planted copies, {len(got & planted)} found, {len(got - planted)} false")


if __name__ == "__main__":
    print(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
