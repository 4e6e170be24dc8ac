"""Every command has help, is documented in the README, and runs as ``python -m runthenumbers``."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from runthenumbers.cli import main
from runthenumbers.data import REPO_ROOT
from runthenumbers.errors import UserError

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert main.commands[command].help, f"'{command}' has no docstring"


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_is_in_the_readme(command):
    assert f"runthenumbers {command}" in README, f"README.md never shows 'runthenumbers {command}'"


def test_every_format_option_is_declared_the_same_way():
    for name, command in main.commands.items():
        for option in command.params:
            if "--format" in getattr(option, "opts", ()):
                assert option.default == "table" and option.help == "Output format.", name


def test_a_mistake_is_an_error_for_people_with_status_2():
    result = CliRunner().invoke(main, ["sweep", "--samples", "0"])
    assert result.exit_code == 2
    assert "error: --samples = 0 is not a positive whole number" in result.output
    assert issubclass(UserError, Exception) and UserError.exit_code == 2


@pytest.mark.slow
def test_python_dash_m_runs_the_command():
    result = subprocess.run(
        [sys.executable, "-m", "runthenumbers", "--help"], capture_output=True, text=True, cwd=REPO_ROOT
    )
    assert result.returncode == 0
    assert "claims" in result.stdout and "sweep" in result.stdout


def test_every_option_has_help():
    for name, command in main.commands.items():
        for option in command.params:
            if getattr(option, "opts", [""])[0].startswith("-"):
                assert option.help, f"runthenumbers {name} {option.opts[0]} has no help"
