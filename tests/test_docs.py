"""The README is part of the product: its commands, settings and CLI tour must stay true."""

from __future__ import annotations

import re
from pathlib import Path

import click

from witness.cli import main
from witness.settings import ENV_PREFIX, documented

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def setup_commands() -> list[str]:
    """The shell commands of the README's first code block."""
    block = re.search(r"```(?:sh|bash|console)\n(.*?)```", README, re.S)
    assert block, "the README opens with a code block of set-up commands"
    return [line for line in block[1].splitlines() if line and not line.startswith("#")]


def test_two_setup_commands_on_the_first_screen() -> None:
    first_screen = "\n".join(README.splitlines()[:40])
    commands = setup_commands()
    assert len(commands) == 2
    assert all(command in first_screen for command in commands)


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert setup_commands()[1] in ci.splitlines()


def test_every_command_is_documented() -> None:
    assert isinstance(main, click.Group)
    for name in main.commands:
        assert f"witness {name}" in README, name


def test_every_setting_is_documented() -> None:
    for name in documented():
        assert f"{ENV_PREFIX}{name.upper()}" in README, name
