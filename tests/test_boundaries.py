"""The one-way imports: app.py → layers → geo; geo never loads streamlit or folium."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_core_does_not_load_streamlit_or_folium() -> None:
    code = (
        "import sys, pkgutil, importlib, geo, layers\n"
        "for pkg in (geo, layers):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if m.name not in ('layers.folium_map',) and not m.name.startswith('layers.render'):\n"
        "            importlib.import_module(m.name)\n"
        "print('streamlit' in sys.modules, any(k == 'folium' for k in sys.modules))\n"
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
