"""``deadline calc`` as the lead mounts it (``app.add_typer(deadline_app, name="deadline")``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from gongkai.cli_desk import deadline_app
from gongkai.desk.calendar import HOLIDAYS_ENV

app = typer.Typer()
app.add_typer(deadline_app, name="deadline")


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["deadline", "calc", *args], env={HOLIDAYS_ENV: "", **(env or {})})
    return result.exit_code, result.stdout, result.stderr


def test_text_lists_each_segment_with_days_and_basis() -> None:
    # The hand-computed scenario of test_deadline.py: received 2025-09-20, extended → 2025-11-20.
    code, out, _ = run("--received", "2025-09-20", "--channel", "邮寄", "--extend", "--approver", "李主任")
    assert code == 0
    assert out.startswith("答复期限：2025-11-20（星期四）")
    assert "1. 计算　2025-09-21 至 2025-10-23　20 个工作日　依据：第三十三条第二款" in out
    assert "2. 延长　2025-10-24 至 2025-11-20　20 个工作日" in out and "批准人：李主任" in out
    assert "第三十一条第二项" in out


def test_json_gives_segments_and_due_date() -> None:
    # The consultation-pause scenario of test_deadline.py: 9 counted, (10-09, 10-20] paused, 11 counted.
    code, out, _ = run("--received", "2025-09-20", "--pause", "2025-10-09:2025-10-20", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["due"] == "2025-11-04" and data["status"] == "due"
    assert [(s["kind"], s["from"], s["to"], s["working_days"]) for s in data["segments"]] == [
        ("counting", "2025-09-21", "2025-10-09", 9),
        ("paused", "2025-10-10", "2025-10-20", 8),
        ("counting", "2025-10-21", "2025-11-04", 11),
    ]


def test_correction_in_text() -> None:
    # The correction scenario of test_deadline.py: corrected application received 2025-09-30 → 2025-11-04.
    code, out, _ = run("--received", "2025-09-20", "--corrected", "2025-09-30")
    assert code == 0 and out.startswith("答复期限：2025-11-04（星期二）")
    assert "1. 重新起算（此前期间不计算）　2025-09-21 至 2025-09-30　8 个工作日　依据：第三十条" in out
    assert "补正告知期限：2025-09-29（星期一）" in out


def test_provisional_is_reported_not_guessed() -> None:
    code, out, _ = run("--received", "2026-12-15", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["provisional"] is True and data["uncovered_year"] == 2027 and data["due"] is None
    code, out, _ = run("--received", "2026-12-15")
    assert "暂定" in out and "2027年工作日历未知" in out


def test_administrator_file_from_option_and_environment(tmp_path: Path) -> None:
    admin = tmp_path / "2027.toml"
    admin.write_text('[[years]]\nyear = 2027\nsource = "测试"\nholidays = []\nworkdays = []\n', encoding="utf-8")
    # No holidays in this test 2027: 8 remaining WD after 2026-12-31 are 01-01 (Fri), 01-04..08, 01-11, 01-12.
    code, out, _ = run("--received", "2026-12-15", "--holidays", str(admin), "--format", "json")
    assert code == 0 and json.loads(out)["due"] == "2027-01-12"
    code, out, _ = run("--received", "2026-12-15", "--format", "json", env={HOLIDAYS_ENV: str(admin)})
    assert json.loads(out)["due"] == "2027-01-12"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--received", "2025-13-01"], "不是有效日期"),
        (["--received", "2025-09-20", "--channel", "信鸽"], "未知的提交方式"),
        (["--received", "2027-03-01"], "2027年工作日历未知"),
        (["--received", "2025-09-20", "--pause", "2025-10-09"], "起始日:结束日"),
        (["--received", "2025-09-20", "--pause", "2025-10-20:2025-10-09"], "结束日早于起始日"),
        (["--received", "2025-09-20", "--corrected", "2025-09-01"], "早于收到申请之日"),
        (["--received", "2025-09-20", "--holidays", "/nonexistent/h.toml"], "无法读取"),
    ],
)
def test_errors_are_one_line_with_exit_code_2(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert err.startswith("错误：") and message in err and err.count("\n") == 1
