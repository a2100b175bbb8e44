"""Documentation keeps up with the code: columns, commands and files are all described."""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import re
import shlex
import subprocess
import sys
import traceback
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


_ENTRY_POINTS = {("python", "-m", "geo"): "geo.__main__", ("python", "-m", "layers"): "layers.__main__"}


def _in_process(command: str) -> tuple[str, list[str]] | None:
    """Return (module, argv) when *command* is a plain ``python -m geo|layers`` or ``syria-map`` call."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if not words or any(w in ("|", "||", "&&", ";", ">", "<", "&") for w in words):
        return None
    if words[0] == "syria-map":
        return "layers.cli.entry", words[1:]
    module = _ENTRY_POINTS.get(tuple(words[:3]))
    return (module, words[3:]) if module else None


def _run(doc: DocCommand, work: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """Run *doc* in *work*: CLI calls in this process (no interpreter start-up), the rest in bash."""
    monkeypatch.setenv("SYRIA_MAP_HOME", str(work / "home"))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    call = _in_process(doc.command)
    if call is None:
        env = {
            **os.environ,
            "PATH": f"{work / '.bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONPATH": str(REPO),
        }
        result = subprocess.run(
            ["bash", "-c", doc.command], cwd=work, env=env, capture_output=True, text=True, timeout=300
        )
        return result.returncode, result.stdout, result.stderr
    monkeypatch.chdir(work)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = importlib.import_module(call[0]).main(call[1])
        except SystemExit as stop:  # argparse: --help or a usage error
            code = stop.code if isinstance(stop.code, int) else 1
        except Exception:
            traceback.print_exc()
            code = 1
    return int(code), out.getvalue(), err.getvalue()


@pytest.mark.parametrize("doc", RUN, ids=[f"L{c.line}" for c in RUN])
def test_readme_command_runs_as_written(doc: DocCommand, docs_workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stdout, stderr = _run(doc, docs_workdir, monkeypatch)
    where = f"README.md line {doc.line}: {doc.command}\n{stdout[-2000:]}\n{stderr[-2000:]}"
    assert code == doc.expected_exit, where
    assert "Traceback" not in stderr, where
    assert (stdout + stderr).strip(), where
    for option in ("--out", "--rejects"):
        for name in re.findall(rf"{option}[ =](\S+)", doc.command):
            written = docs_workdir / name.strip("'\"")
            if written.is_dir():  # a folder export (TimeMap's JSON files)
                assert any(f.stat().st_size for f in written.iterdir()), f"{where}\n{written} is empty"
                continue
            assert written.is_file(), f"{where}\nno {written}"
            assert written.stat().st_size > 0, f"{where}\n{written} is empty"
    if stdout.lstrip().startswith(("{", "[")):
        json.loads(stdout)
