"""Where the project's own files are: the source checkout, or the installed ``syria_map`` package.

In a checkout, ``data/``, ``app.py`` and ``.streamlit/config.toml`` sit at the repository root,
beside ``geo/``. ``pip install .`` ships the same files as the package ``syria_map`` (see
``[tool.setuptools]`` in pyproject.toml), so the code finds them from any directory.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

__all__ = ["DATA_DIR", "PACKAGE", "project_file"]

#: The installed package holding data/, app.py and .streamlit/config.toml.
PACKAGE = "syria_map"

_CHECKOUT = Path(__file__).resolve().parents[1]


def _root() -> Path:
    # A source tree has its pyproject.toml beside data/; site-packages never does.
    if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "data").is_dir():
        return _CHECKOUT
    spec = importlib.util.find_spec(PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return _CHECKOUT  # neither: paths below name where the file was looked for


def project_file(relative: str) -> Path:
    """Return the path of *relative* (e.g. ``"app.py"``, ``"data/gazetteer"``) in the checkout or package."""
    return _ROOT / relative


_ROOT = _root()

#: The embedded data: ``data/`` (gazetteer, incidents, stories).
DATA_DIR = project_file("data")
