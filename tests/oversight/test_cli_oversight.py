"""``gongkai import`` and ``gongkai regions load`` (mounted here as the lead mounts them in gongkai.cli)."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from gongkai.cli_oversight import import_command, regions_app
from gongkai.oversight import stored_counts
from gongkai.oversight.synth import write_regions_csv
from gongkai.store import make_engine

app = typer.Typer()
app.command("import")(import_command)
app.add_typer(regions_app, name="regions")


def test_import_command_summary_and_exit_status(synth_dir: Path, tmp_path: Path) -> None:
    # The command takes a URL; the storage itself is tested on both backends in test_import.py.
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    regions = tmp_path / "regions.csv"
    write_regions_csv(regions, 40)
    runner = CliRunner()
    first = runner.invoke(app, ["import", str(synth_dir), "--db", url, "--jobs", "2", "--regions", str(regions)])
    assert first.exit_code == 0, first.output
    assert "新导入 40 份" in first.output and "已载入行政区划：8 行" in first.output
    again = runner.invoke(app, ["import", str(synth_dir), str(tmp_path / "无此目录"), "--db", url])
    assert again.exit_code == 2
    assert "未变 40 个，失败 1 个" in again.output and "文件或目录不存在" in again.output
    assert stored_counts(make_engine(url))["oversight_reports"] == 40
    loaded = runner.invoke(app, ["regions", "load", str(regions), "--db", url])
    assert loaded.exit_code == 0 and "新增地区 0 个" in loaded.output
