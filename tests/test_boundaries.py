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
