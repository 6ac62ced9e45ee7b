"""The ledger's command-line sub-apps (mounted by gongkai.cli): upgrade, demo, report, registers import."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from gongkai.cli_store import db_app, demo_command, registers_app, report_app


def _app() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(db_app, name="db")
    app.command("demo")(demo_command)
    app.add_typer(report_app, name="report")
    app.add_typer(registers_app, name="registers")
    return app


def test_upgrade_demo_report_and_import(tmp_path: Path) -> None:
    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    app = _app()
    up = runner.invoke(app, ["db", "upgrade", "--db", db])
    assert up.exit_code == 0 and "最新结构" in up.output
    demo = runner.invoke(app, ["demo", "--db", db, "--seed", "5"])
    assert demo.exit_code == 0 and "已载入演示数据" in demo.output
    out = tmp_path / "2025.docx"
    built = runner.invoke(app, ["report", "build", "青溪县吴村镇人民政府", "2025", "-o", str(out), "--db", db, "--store"])
    assert built.exit_code == 0, built.output
    assert out.read_bytes()[:2] == b"PK"
    bad = tmp_path / "坏.csv"
    bad.write_text("年度,事项,数量,金额（万元）\n2025,行政许可,十二,\n", encoding="utf-8")
    failed = runner.invoke(app, ["registers", "import", "1", str(bad), "--db", db])
    assert failed.exit_code == 2 and "坏.csv 第2行「数量」列" in failed.output
    missing = runner.invoke(app, ["report", "build", "不存在的局", "2025", "-o", str(out), "--db", db])
    assert missing.exit_code == 2 and "没有名为“不存在的局”的机关" in missing.output
