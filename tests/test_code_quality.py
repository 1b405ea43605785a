"""The linters are part of the test suite: ruff (lint and format), mypy and the import-linter
contracts of ``pyproject.toml`` (the layering of DESIGN.md) must stay clean, and no module
grows past what one can read in a sitting."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

MAX_MODULE_LINES = 400
"""Longest module allowed in ``src/`` and ``bench/``: one concept, readable on a few screens."""


def _run(command: list[str], cwd: Path, pythonpath: Path | None = None) -> tuple[int, str]:
    env = None
    if pythonpath is not None:
        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(pythonpath), "HOME": str(cwd)}
    done = subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "ruff", "check", "."],
        [sys.executable, "-m", "ruff", "format", "--check", "."],
        [sys.executable, "-m", "mypy"],
        [str(LINT_IMPORTS), "--no-cache"],
    ],
    ids=["ruff-check", "ruff-format", "mypy", "import-linter"],
)
def test_tool_is_clean(command: list[str]) -> None:
    code, output = _run(command, ROOT)
    assert code == 0, output


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("dataset/build.py", "import witness.sparql.pool", "Imports run down the data flow"),
        ("dataset/store.py", "from witness.publish import dumps", "Imports run down the data flow"),
        ("sparql/pool.py", "from witness.web import services", "Imports run down the data flow"),
        ("publish/void.py", "import flask", "Nothing outside witness.web imports Flask"),
        ("iris.py", "from werkzeug import urls", "Nothing outside witness.web imports Flask"),
    ],
)
def test_contracts_catch_a_wrong_import(
    tmp_path: Path, module: str, line: str, contract: str
) -> None:
    """The contracts are not a hope: one upward or Flask import in a copy of the package
    breaks them, and the report names the contract and the module."""
    shutil.copytree(ROOT / "src" / "witness", tmp_path / "src" / "witness")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    edited = tmp_path / "src" / "witness" / module
    edited.write_text(edited.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    code, output = _run([str(LINT_IMPORTS), "--no-cache"], tmp_path, tmp_path / "src")
    assert code == 1, output
    assert f"{contract}" in output and "BROKEN" in output, output
    assert "witness." + module.removesuffix(".py").replace("/", ".") in output, output


def test_no_module_is_too_long() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for folder in ("src", "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"
