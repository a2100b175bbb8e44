"""The one-way imports: app.py → layers → geo; geo never loads streamlit or folium."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

#: The only modules allowed to import folium: the map renderers (see DESIGN.md).
FOLIUM_MODULES = ("layers.folium_map", "layers.standalone")


def _core_modules() -> list[str]:
    names = []
    for path in sorted([*(REPO / "geo").rglob("*.py"), *(REPO / "layers").rglob("*.py")]):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        name = ".".join(parts)
        if name in FOLIUM_MODULES or name.startswith("layers.render") or parts[-1] == "__main__":
            continue
        names.append(name)
    return names


def test_core_does_not_load_streamlit_or_folium() -> None:
    modules = _core_modules()
    assert "geo.gazetteer" in modules
    assert "layers.incidents" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print('streamlit' in sys.modules, 'folium' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_geo_never_imports_folium_or_streamlit_in_source() -> None:
    offenders = [
        str(p.relative_to(REPO))
        for p in (REPO / "geo").rglob("*.py")
        if any(
            w in p.read_text(encoding="utf-8")
            for w in ("import streamlit", "import folium", "from streamlit", "from folium")
        )
    ]
    assert not offenders


def test_the_apps_imports_leave_matplotlib_and_rasterio_for_when_they_are_used() -> None:
    """The first page imports what app.py imports at its top; story PDFs and the raster panel
    import matplotlib and rasterio themselves (about a second of the first page)."""
    import ast

    tree = ast.parse((REPO / "app.py").read_text(encoding="utf-8"))
    modules = sorted(
        {n.module for n in tree.body if isinstance(n, ast.ImportFrom) and n.module and n.level == 0}
        | {a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names}
    )
    assert "layers.export.story" in modules and "layers" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "from layers import raster\n"
        "print('matplotlib' in sys.modules, 'rasterio' in sys.modules)\n"
        "raster.density_raster\n"  # a public name loads its module on first use
        "print('rasterio' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "True"]
