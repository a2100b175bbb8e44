"""Files: every command writes only the file it was asked for, and browser file names stay in their folder.

Each command runs with $HOME, the working directory and the temporary directory pointed at
folders of its own; afterwards the only new or changed file anywhere watched (those folders and
the checkout) is the output, and the output folder holds nothing else (no temporary file left
behind by an atomic write).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layers.__main__ import main as layers_main
from layers.app_state import safe_filename
from tests.conftest import REPO

SKIP_PARTS = {".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache", ".mypy_cache", "artifacts"}


def snapshot(root: Path) -> dict[Path, tuple[int, int]]:
    out = {}
    for path in root.rglob("*"):
        if SKIP_PARTS.intersection(path.relative_to(root).parts) or not path.is_file():
            continue
        stat = path.stat()
        out[path] = (stat.st_size, stat.st_mtime_ns)
    return out


@pytest.fixture(scope="module")
def user_cache(tmp_path_factory):
    """One user cache folder for the module's commands: the gazetteer and curated tables are built
    once, as on a user's machine, not once per command; it is watched like the other folders."""
    import matplotlib.font_manager  # noqa: F401  (matplotlib writes its own font list on first import)

    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def sandbox(tmp_path, monkeypatch, user_cache):
    dirs = {name: tmp_path / name for name in ("home", "work", "tmp", "out")}
    for path in dirs.values():
        path.mkdir()
    dirs["cache"] = user_cache
    monkeypatch.setenv("HOME", str(dirs["home"]))
    monkeypatch.setenv("XDG_CACHE_HOME", str(user_cache))
    monkeypatch.delenv("SYRIA_MAP_NO_CACHE", raising=False)
    monkeypatch.delenv("SYRIA_MAP_HOME", raising=False)
    monkeypatch.setenv("TMPDIR", str(dirs["tmp"]))
    monkeypatch.setattr(tempfile, "tempdir", str(dirs["tmp"]))
    monkeypatch.chdir(dirs["work"])
    return dirs


#: The one file a public-safe export may add outside its output: the installation's public-id key,
#: created once in the user folder (~/.syria-incident-map) with mode 0600 (layers.export.public_ids).
KEY = Path(".syria-incident-map") / "public-id.key"
#: The disk cache (geo.cache) in the user cache folder ($XDG_CACHE_HOME/syria-incident-map): one pickle per
#: data and code version of the gazetteer and of each curated table.
CACHE = "syria-incident-map"
CACHED = ("gazetteer-", "curated-")


def changed(before: dict, after: dict) -> list[Path]:
    out = []
    for p, sig in after.items():
        if before.get(p) == sig:
            continue
        if p.parts[-2:] == KEY.parts and p not in before and (p.stat().st_mode & 0o777) == 0o600:
            continue  # created on first use, private, never rewritten
        if p.parent.name == CACHE and p.name.startswith(CACHED) and p.suffix == ".pickle":
            continue  # the built gazetteer and curated tables, cached for the next start (keyed by checksums)
        out.append(p)
    return sorted(out)


EXPORTS = [
    ("png", ["--dpi", "40"]),
    ("svg", []),
    ("pdf", []),
    ("gif", ["--frames", "3", "--dpi", "30"]),
    ("mp4", ["--frames", "3", "--dpi", "30"]),
    ("html", []),
    ("csv", []),
    ("geojson", []),
    ("kml", []),
    ("gpkg", []),
]


@pytest.mark.parametrize(("fmt", "extra"), EXPORTS, ids=[fmt for fmt, _ in EXPORTS])
def test_an_export_writes_only_its_file(sandbox, fmt, extra, capsys):
    out = sandbox["out"] / f"map.{fmt}"
    watched = [sandbox["home"], sandbox["work"], sandbox["tmp"], sandbox["cache"], REPO]
    before = {root: snapshot(root) for root in watched}
    assert layers_main(["export", "coast_march_2025", "--to", fmt, "--out", str(out), *extra]) == 0
    capsys.readouterr()
    written = sorted(p.name for p in sandbox["out"].iterdir())
    assert out.name in written
    assert all(name.startswith(out.name) for name in written), written  # the file and its sidecar (CSV metadata)
    for root in watched:
        assert changed(before[root], snapshot(root)) == [], root


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_a_story_export_writes_only_its_file(sandbox, fmt, capsys):
    out = sandbox["out"] / f"story.{fmt}"
    before = {root: snapshot(root) for root in (sandbox["home"], sandbox["work"], sandbox["tmp"], sandbox["cache"], REPO)}
    args = ["export", "all", "--to", fmt, "--story", "march_2025_m1_m4", "--out", str(out), "--dpi", "30"]
    assert layers_main(args) == 0
    capsys.readouterr()
    assert [p.name for p in sandbox["out"].iterdir()] == [out.name]
    for root, snap in before.items():
        assert changed(snap, snapshot(root)) == [], root


def test_import_and_density_write_only_their_files(sandbox, capsys):
    source = sandbox["out"].parent / "in.csv"
    source.write_text(
        "id,title,date_start,lat,lon,deaths_best,source_url\n"
        "a,Shelling,2025-03-07,35.18,35.94,3,https://example.org/r\n"
        "b,Bad row,not a date,95,35.9,x,\n",
        encoding="utf-8",
    )
    before = {root: snapshot(root) for root in (sandbox["home"], sandbox["work"], sandbox["tmp"], sandbox["cache"], REPO)}
    gpkg, rejects, tif = (sandbox["out"] / name for name in ("in.gpkg", "rejects.csv", "density.tif"))
    assert layers_main(["import", str(source), "--out", str(gpkg), "--rejects", str(rejects), "--no-geonames"]) == 0
    assert layers_main(["density", str(gpkg), "--bandwidth-km", "5", "--out", str(tif)]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in sandbox["out"].iterdir()) == ["density.tif", "in.gpkg", "rejects.csv"]
    for root, snap in before.items():
        assert changed(snap, snapshot(root)) == [], root


@given(st.text(max_size=300))
def test_a_browser_file_name_never_leaves_its_folder(name):
    folder = Path("/srv/uploads")
    safe = safe_filename(name)
    path = folder / safe
    assert path.parent == folder
    assert safe not in ("", ".", "..")
    assert "/" not in safe
    assert "\\" not in safe
    assert len(safe) <= 120
    assert all(ch.isprintable() for ch in safe)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../.bashrc", "bashrc"),
        ("C:\\Users\\x\\report.xlsx", "report.xlsx"),
        ("...", "upload"),
        ("ok.kmz", "ok.kmz"),
    ],
)
def test_browser_file_names_keep_their_suffix(name, expected):
    assert safe_filename(name) == expected
