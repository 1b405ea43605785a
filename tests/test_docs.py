"""The README is part of the product: its commands, settings and CLI tour must stay true."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
from click.testing import CliRunner

from witness.cli import main
from witness.queries import examples
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


def console_examples() -> list[tuple[str, list[str]]]:
    """Each ``$ witness ...`` command of the README's console blocks and the output shown."""
    found: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        lines = block.splitlines()
        index = 0
        while index < len(lines):
            command = [lines[index].removeprefix("$ ")]
            index += 1
            while index < len(lines) and lines[index].startswith("    "):
                command.append(lines[index])
                index += 1
            output = []
            while index < len(lines) and not lines[index].startswith("$ "):
                output.append(lines[index])
                index += 1
            found.append(("\n".join(command), output))
    return found


def test_readme_tour_runs_as_shown(tmp_path: Path) -> None:
    """Every command of the tour gives the output the README shows (timings and paths aside)."""
    examples = console_examples()
    assert len(examples) >= 5
    env = {"WITNESS_STORE": str(tmp_path / "store")}
    for command, shown in examples:
        args = shlex.split(command)
        assert args[0] == "witness", command
        result = CliRunner().invoke(main, args[1:], env=env)
        assert result.exit_code == 0, f"{command}\n{result.output}"
        actual = result.output.splitlines()
        if shown and shown[-1] == "...":
            shown = shown[:-1]
            actual = actual[: len(shown)]
        if args[1] == "build":
            assert actual[0].startswith(shown[0].split(" (")[0]), command
        else:
            assert actual == shown, command


def test_example_queries_are_in_the_readme() -> None:
    found = examples()
    assert found
    for example in found:
        assert f"```sparql\n{example.text.rstrip()}\n```" in README, example.name
