"""``pip install .`` gives a ``syria-map`` command that works from any directory, data included."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from setuptools import find_packages

from tests.conftest import REPO

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
_SKIP = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "*.pyc", "build", "*.egg-info", ".*_cache", ".hypothesis", "artifacts", "out"
)


def test_every_package_of_the_tree_is_listed_for_setuptools() -> None:
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    assert listed == {*find_packages(str(REPO), include=["geo*", "layers*"]), "syria_map"}


def test_console_script_points_at_a_real_function() -> None:
    from layers.cli.entry import main

    module, _, name = PYPROJECT["project"]["scripts"]["syria-map"].partition(":")
    assert getattr(importlib.import_module(module), name) is main


def test_app_command_runs_streamlit_with_the_project_settings() -> None:
    from layers.cli.app_cmd import streamlit_command
    from layers.cli.entry import build_parser

    args = build_parser().parse_args(["app", "--port", "8600", "--", "--server.headless", "true"])
    command = streamlit_command(args.port, args.streamlit_args)
    assert command[1:5] == ["-m", "streamlit", "run", str(REPO / "app.py")]
    flags = dict(zip(command[5::2], command[6::2], strict=True))
    assert flags["--client.disableDataExport"] == "true"
    assert flags["--server.maxUploadSize"] == "500"
    assert flags["--server.port"] == "8600"
    assert flags["--server.headless"] == "true"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package built from a copy of this checkout and installed (without dependencies) into a folder."""
    work = tmp_path_factory.mktemp("pkg")
    shutil.copytree(REPO, work / "src", ignore=_SKIP)
    target = work / "site"
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target)]
    # Offline when this environment can build wheels itself (setuptools >= 70.1 or the wheel package).
    if importlib.util.find_spec("wheel") or importlib.util.find_spec("setuptools.command.bdist_wheel"):
        command += ["--no-build-isolation", "--no-index"]
    result = subprocess.run([*command, str(work / "src")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return target


def _run_installed(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # Only the installed copy is importable: no checkout on the path, a foreign working directory.
    env = {**os.environ, "PYTHONPATH": str(site), "SYRIA_MAP_HOME": str(cwd / "home")}
    return subprocess.run(
        [str(site / "bin" / "syria-map"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_installed_command_resolves_from_another_directory(installed: Path, tmp_path: Path) -> None:
    result = _run_installed(installed, tmp_path, "resolve", "Sanobar")
    assert result.returncode == 0, result.stderr
    assert "[sonobar_latakia]" in result.stdout
    assert "lat 35.4" in result.stdout


def test_installed_package_ships_incidents_stories_and_the_app(installed: Path, tmp_path: Path) -> None:
    probe = (
        "from layers.cli.app_cmd import streamlit_command; from layers.export.story import list_stories; "
        "from layers.curated import CURATED_DIR, list_curated; import layers.render.assets as a; "
        "print(streamlit_command()[4]); print(list_stories()); print(list_curated()); print(CURATED_DIR); "
        "print(a.ASSETS_DIR)"
    )
    env = {**os.environ, "PYTHONPATH": str(installed)}
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    app, stories, curated, curated_dir, assets = out.stdout.splitlines()
    assert Path(app) == installed / "syria_map" / "app.py"
    assert "march_2025_m1_m4" in stories
    assert "coast_march_2025" in curated
    assert Path(curated_dir) == installed / "syria_map" / "data" / "incidents"
    assert Path(assets).is_relative_to(installed)
    assert (installed / "syria_map" / ".streamlit" / "config.toml").is_file()
    assert (Path(assets) / "vendor" / "MANIFEST.json").is_file()
