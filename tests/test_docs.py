"""Documentation keeps up with the code: columns, commands and files are all described."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from geo.__main__ import build_parser
from geo.places import PLACE_COLUMNS
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
GAZ_README = (REPO / "data" / "gazetteer" / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("column", PLACE_COLUMNS)
def test_every_place_column_is_documented(column: str) -> None:
    assert f"`{column}`" in GAZ_README


@pytest.mark.parametrize(
    "column",
    [
        "lat",
        "lon",
        "place_id",
        "match_name",
        "match_score",
        "match_method",
        "geo_precision",
        "ambiguous",
        "candidates",
        "reason",
    ],
)
def test_geocode_output_columns_are_documented(column: str) -> None:
    assert column in README


def test_every_geo_command_is_in_the_readme() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name in commands:
        assert f"python -m geo {name}" in README, name


def test_readme_has_the_two_setup_commands() -> None:
    assert "bash scripts/run.sh" in README
    assert "bash scripts/test.sh" in README
    assert "scripts/test.sh" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_every_layers_command_is_in_the_readme() -> None:
    from layers.__main__ import build_parser as build_layers_parser

    parser = build_layers_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name in commands:
        assert f"python -m layers {name}" in README, name


# --- Every shell command in the README runs as written, against examples/ ---------------------------
#
# Commands come from the README's ```bash (sh, shell, console) blocks, one per line (a trailing
# backslash continues it). Not run: a block right after a line `<!-- not-run: why -->`, and a
# line whose trailing comment contains `not-run`. A trailing comment `exit N` gives the expected
# exit code (default 0).

_SHELL_FENCES = ("bash", "sh", "shell", "console")
_NOT_RUN_BLOCK = re.compile(r"<!--\s*not-run\b")


def _split_comment(line: str) -> tuple[str, str]:
    """Split a shell line into (command, trailing comment), ignoring ``#`` inside quotes."""
    quote = ""
    for i, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i + 1 :].strip()
    return line.rstrip(), ""


class DocCommand(NamedTuple):
    """One README command: its text, where it is, the exit code its comment expects."""

    command: str
    line: int
    expected_exit: int


def readme_commands(text: str) -> tuple[list[DocCommand], list[DocCommand]]:
    """Return (commands to run, commands marked not-run) from the shell blocks of *text*."""
    run: list[DocCommand] = []
    skipped: list[DocCommand] = []
    lines = text.splitlines()
    fence = ""
    block_skipped = False
    pending = ""
    start = 0
    for number, raw in enumerate(lines, 1):
        stripped = raw.strip()
        if not fence:
            if stripped.startswith("```") and stripped[3:].strip().split(" ")[0] in _SHELL_FENCES:
                fence = stripped[: len(stripped) - len(stripped.lstrip("`"))]
                before = next((p.strip() for p in reversed(lines[: number - 1]) if p.strip()), "")
                block_skipped = bool(_NOT_RUN_BLOCK.match(before))
            continue
        if stripped.startswith(fence) and not stripped.strip("`"):
            fence = ""
            continue
        command, comment = _split_comment(raw)
        command = command.removeprefix("$ ").strip()
        if not pending:
            start = number
        if command.endswith("\\"):
            pending += command[:-1].rstrip() + " "
            continue
        command, pending = (pending + command).strip(), ""
        if not command:
            continue
        code = re.search(r"\bexit (\d+)\b", comment)
        entry = DocCommand(command, start, int(code.group(1)) if code else 0)
        (skipped if block_skipped or "not-run" in comment else run).append(entry)
    return run, skipped


RUN, NOT_RUN = readme_commands(README)


def test_readme_command_extractor_understands_the_markers() -> None:
    text = (
        "x\n```bash\npython -m geo resolve 'a # b'   # exit 1\nbash long.sh  # not-run: minutes\n"
        "python -m geo corridor M4 \\\n  --list-places\n```\n\n<!-- not-run: needs a server -->\n"
        "```sh\nstreamlit run app.py\n```\n```python\nprint(1)\n```\n"
    )
    run, skipped = readme_commands(text)
    assert run == [
        DocCommand("python -m geo resolve 'a # b'", 3, 1),
        DocCommand("python -m geo corridor M4 --list-places", 5, 0),
    ]
    assert [c.command for c in skipped] == ["bash long.sh", "streamlit run app.py"]


def test_readme_has_commands_to_run_and_marks_the_long_ones() -> None:
    assert len(RUN) >= 10
    assert any("scripts/test.sh" in c.command for c in NOT_RUN)


@pytest.fixture(scope="module")
def docs_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder like a user's: examples/ beside them, `python` and `syria-map` on the PATH."""
    work = tmp_path_factory.mktemp("readme")
    (work / "examples").symlink_to(REPO / "examples")
    bin_dir = work / ".bin"
    bin_dir.mkdir()
    for name, command in (("python", ""), ("syria-map", " -m layers.cli.entry")):
        wrapper = bin_dir / name  # a script, not a symlink: a venv's python must keep its path
        wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}"{command} "$@"\n', encoding="utf-8")
        wrapper.chmod(0o755)
    return work


@pytest.mark.parametrize("doc", RUN, ids=[f"L{c.line}" for c in RUN])
def test_readme_command_runs_as_written(doc: DocCommand, docs_workdir: Path) -> None:
    env = {
        **os.environ,
        "PATH": f"{docs_workdir / '.bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(REPO),
        "SYRIA_MAP_HOME": str(docs_workdir / "home"),
        "MPLBACKEND": "Agg",
    }
    result = subprocess.run(
        ["bash", "-c", doc.command], cwd=docs_workdir, env=env, capture_output=True, text=True, timeout=300
    )
    where = f"README.md line {doc.line}: {doc.command}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    assert result.returncode == doc.expected_exit, where
    assert "Traceback" not in result.stderr, where
    assert (result.stdout + result.stderr).strip(), where
    for option in ("--out", "--rejects"):
        for name in re.findall(rf"{option}[ =](\S+)", doc.command):
            written = docs_workdir / name.strip("'\"")
            assert written.is_file(), f"{where}\nno {written}"
            assert written.stat().st_size > 0, f"{where}\n{written} is empty"
    if result.stdout.lstrip().startswith(("{", "[")):
        json.loads(result.stdout)
