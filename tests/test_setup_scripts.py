"""scripts/venv.sh (used by scripts/run.sh and scripts/test.sh) installs only when requirements change."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import REPO


def _checkout(tmp_path: Path) -> Path:
    """A folder with venv.sh, two requirements files and a .venv whose python only logs its arguments."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "venv.sh", tmp_path / "scripts" / "venv.sh")
    (tmp_path / "requirements.txt").write_text("shapely==2.2.0\n", encoding="utf-8")
    (tmp_path / "requirements-dev.txt").write_text("pytest==9.0.3\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    fake = bin_dir / "python"
    # "-m pip --version" is venv.sh checking that the venv is complete (pip in it): not logged.
    fake.write_text(
        f'#!/bin/sh\n[ "$*" = "-m pip --version" ] && exit 0\necho "$*" >> "{tmp_path}/pip.log"\n', encoding="utf-8"
    )
    fake.chmod(0o755)
    return tmp_path


def _source(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    script = f'set -euo pipefail; source scripts/venv.sh {" ".join(args)}; echo "$VENV_PYTHON"; command -v python'
    return subprocess.run(["bash", "-c", script], cwd=root, capture_output=True, text=True, timeout=60)


def test_installs_once_then_reuses_until_a_requirements_file_changes(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    log = root / "pip.log"
    first = _source(root, "dev", "requirements.txt", "requirements-dev.txt")
    assert first.returncode == 0, first.stderr
    venv_python, on_path = first.stdout.split()
    assert venv_python == str(root / ".venv" / "bin" / "python")
    assert on_path == venv_python  # the venv's bin comes first on PATH
    calls = log.read_text(encoding="utf-8").splitlines()
    assert "-r requirements.txt -r requirements-dev.txt" in calls[0]
    assert calls[1].endswith("--no-deps -e .")
    assert (root / ".venv" / ".installed-dev").is_file()

    again = _source(root, "dev", "requirements.txt", "requirements-dev.txt")
    assert again.returncode == 0, again.stderr
    assert len(log.read_text(encoding="utf-8").splitlines()) == 2  # nothing reinstalled

    # The app's set (runtime only) has its own stamp; a changed file reinstalls.
    assert _source(root, "runtime", "requirements.txt").returncode == 0
    assert len(log.read_text(encoding="utf-8").splitlines()) == 4
    (root / "requirements.txt").write_text("shapely==2.2.0\npyproj==3.7.2\n", encoding="utf-8")
    assert _source(root, "runtime", "requirements.txt").returncode == 0
    assert len(log.read_text(encoding="utf-8").splitlines()) == 6


def test_run_and_test_scripts_use_the_project_environment() -> None:
    sets = (("run.sh", "runtime requirements.txt"), ("test.sh", "dev requirements.txt requirements-dev.txt"))
    for name, files in sets:
        text = (REPO / "scripts" / name).read_text(encoding="utf-8")
        assert f"source scripts/venv.sh {files}" in text
        assert '"$VENV_PYTHON" -m' in text
    assert "bash scripts/test.sh" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_a_half_made_venv_is_made_again(tmp_path: Path) -> None:
    """A set-up interrupted before pip was in .venv/ (Ctrl-C during `python3 -m venv`) is not reused as is."""
    root = _checkout(tmp_path)
    broken = root / ".venv" / "bin" / "python"
    broken.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")  # python there, `-m pip` fails
    # The "system" python3: answers the version check and makes a venv whose python logs its calls.
    system = tmp_path / "python3-system"
    system.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then\n'
        '  mkdir -p "$3/bin"; : > "$3/bin/pip"; chmod +x "$3/bin/pip"\n'
        '  printf \'#!/bin/sh\\n[ "$*" = "-m pip --version" ] && exit 0\\n'
        f'echo "$*" >> "{root}/pip.log"\\n\' > "$3/bin/python"\n'
        '  chmod +x "$3/bin/python"\n'
        "fi\n"
        "exit 0\n",
        encoding="utf-8",
    )
    system.chmod(0o755)
    script = f"set -euo pipefail; PYTHON={system} source scripts/venv.sh dev requirements.txt requirements-dev.txt"
    done = subprocess.run(["bash", "-c", script], cwd=root, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "incomplete" in done.stderr
    calls = (root / "pip.log").read_text(encoding="utf-8").splitlines()
    assert "-r requirements.txt -r requirements-dev.txt" in calls[0]  # installed into the new .venv/
