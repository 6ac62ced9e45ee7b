"""The command line, run as a user runs it; state checked through the Python API."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import shared_path

from gongkai.readers import read

SEED_002 = shared_path("seeds", "002_557b3571ae78e526.txt")
SEED_003 = shared_path("seeds", "003_c9419c5d055fd0e3.txt")


def gongkai(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gongkai", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_parse_cells_one_line_per_file_in_input_order() -> None:
    result = gongkai("parse", "--format", "cells", str(SEED_003), str(SEED_002))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [x["source"] for x in lines] == [str(SEED_003), str(SEED_002)]
    assert lines[1]["cells"]["t2.licensing.decisions"] == 5
    assert lines[0]["meta"] == {"agency": "巨鹿镇", "year": 2024, "t2_template": "2019", "t3_template": "2019"}


def test_parse_json_is_the_model(tmp_path: Path) -> None:
    result = gongkai("parse", str(SEED_002))
    model = tmp_path / "002.json"
    model.write_text(result.stdout, encoding="utf-8")
    assert read(model).cells == read(SEED_002).cells


def test_check_exit_status() -> None:
    assert gongkai("check", str(SEED_002)).returncode == 0
    bad = gongkai("check", str(SEED_003))
    assert bad.returncode == 1
    assert "GK301" in bad.stdout and "表二" in bad.stdout


def test_check_json() -> None:
    result = gongkai("check", "--format", "json", str(SEED_003))
    record = json.loads(result.stdout)
    assert {f["rule"] for f in record["findings"]} == {"GK301"}
    assert record["meta"]["year"] == 2024


def test_unreadable_input_is_one_line_naming_the_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 40)
    result = gongkai("check", str(empty), str(junk), str(SEED_002))
    assert result.returncode == 2
    errors = result.stderr.strip().splitlines()
    assert errors == [f"错误：{empty}: 文件为空", f"错误：{junk}: 不是可识别的报告格式（二进制内容）"]
    assert "Traceback" not in result.stderr
    assert str(SEED_002) in result.stdout  # the readable file was still checked


def test_unknown_rule_is_an_error() -> None:
    result = gongkai("check", "--select", "GK999", str(SEED_002))
    assert result.returncode == 2 and "未知规则：GK999" in result.stderr
