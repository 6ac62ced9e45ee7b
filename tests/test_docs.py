"""The docs do not drift from the code: the README's rule table and the CLI's help."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.rules import RULES

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_rule_table_matches_the_registry() -> None:
    rows = re.findall(r"^\| (GK\d{3}) \| (\w+) \| (\w+) \| (.+?) \|$", README.read_text(encoding="utf-8"), re.M)
    documented = {r[0]: (r[1], r[2], r[3]) for r in rows}
    registered = {r.id: (r.kind.value, r.severity.value, r.summary) for r in RULES.values()}
    assert documented == registered


def test_readme_first_screen_gives_the_two_commands() -> None:
    first_screen = "\n".join(README.read_text(encoding="utf-8").splitlines()[:15])
    assert "bash scripts/run.sh" in first_screen and "bash scripts/test.sh" in first_screen


def test_every_command_has_help_with_an_example() -> None:
    runner = CliRunner()
    for name in ("parse", "check", "render"):
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, result.output
        assert "gongkai " + name in result.output, name
