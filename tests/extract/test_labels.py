import pytest

from gongkai.extract.labels import LabelSettings, label_key, match_row, split_numbering
from gongkai.model.templates import T2_2021, T3_2019, T3_2021

T3_ROWS = (*T3_2021.rows, T3_2019.row("other.total"))


@pytest.mark.parametrize(
    ("printed", "key"),
    [
        ("1.属于国家秘密", "withheld.state_secret"),
        ("1. 属于国家秘密", "withheld.state_secret"),
        ("（一）予以公开", "granted"),
        ("(二) 部分公开 (区分处理的, 只计这一情形, 不计其他情形)", "partially_granted"),
        ("2.其他法律行政止公开", "withheld.prohibited_by_law"),  # typo in corpus 002.pdf
        ("4.无正当理由大量", "not_processed.excessive"),  # label wrapped over two lines
        ("3.其他", "other.other"),
        ("（六）其他处理", "other.total"),
        ("（七）总计", "total"),
        ("四、结转下年度继续办理", "carried_forward"),
        ("商 业 企 业", None),
        ("申请人情况", None),
    ],
)
def test_t3_labels(printed: str, key: str | None) -> None:
    match = match_row(printed, T3_ROWS)
    assert (match.row.key if match else None) == key


def test_t2_alias() -> None:
    match = match_row("规范性文件", T2_2021.rows)
    assert match is not None and match.row.key == "normative_documents"


def test_numbering_is_split_off() -> None:
    assert split_numbering("（三）1.属于国家秘密") == ("(三)1.", "属于国家秘密")
    assert label_key("三、本年度办理结果") == "本年度办理结果"


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError):
        LabelSettings(min_ratio=0)
