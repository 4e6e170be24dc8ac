"""The book's reference pages (runthenumbers/reference.py): generated from click and the parameter
registry, committed, and never stale."""

from __future__ import annotations

import re

from runthenumbers import reference
from runthenumbers.cli import main
from runthenumbers.data import REPO_ROOT, load_ledger
from runthenumbers.parameters import REGISTRY

CLI_PAGE = REPO_ROOT / "book" / "cli.md"
PARAMETERS_PAGE = REPO_ROOT / "book" / "parameters.md"


def test_the_reference_pages_are_what_the_commands_and_the_registry_give():
    assert reference.stale_files() == [], "run `make pages`"


def test_every_command_and_option_is_documented():
    """As sqlite-utils' test_commands_are_documented: each command has its section, each option its line."""
    text = CLI_PAGE.read_text(encoding="utf-8")
    for name, command in main.commands.items():
        section = text.split(f"## `runthenumbers {name}`\n", 1)[1].split("\n## ", 1)[0]
        for option in command.params:
            for flag in getattr(option, "opts", []):
                if flag.startswith("-"):
                    assert re.search(rf"(^|[\s,]){re.escape(flag)}\b", section), f"{name} {flag}"


def test_the_help_is_laid_out_at_one_width_whatever_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    narrow = reference.command_help("sweep")
    monkeypatch.setenv("COLUMNS", "300")
    assert reference.command_help("sweep") == narrow
    assert max(len(line) for line in narrow.splitlines()) <= reference.HELP_WIDTH


def test_every_parameter_has_its_entry_with_the_default_and_range():
    text = PARAMETERS_PAGE.read_text(encoding="utf-8")
    entries = {m.group(1): m.group(2) for m in re.finditer(r"^`(\w+)` \(.*\)\n: (.*)$", text, re.MULTILINE)}
    assert entries.keys() == REGISTRY.keys()
    assert REGISTRY["sofr"].checked_default(load_ledger()) == 0.0437
    assert entries["sofr"].endswith(
        "Default 4.37% (fact `debt_sofr_180d_avg_20250807`); range 0% to 20%; unit fraction; type float; "
        "read by `debt`, `credit`."
    )
    assert (
        "Default 200,000; range 1,000 to 2,000,000; unit count; type int; read by `uncertainty`." in entries["samples"]
    )
