"""Modules imported on first use, so that ``python -m geo resolve NAME`` starts without pandas.

``from geo.lazy import pd`` gives an object that stands for :mod:`pandas`:
the first attribute read (``pd.DataFrame``) imports it. Modules on the warm
resolve path (the disk cache of :mod:`geo.cache`, :mod:`geo.gazetteer` and
what it imports) use it, so a cached gazetteer answers without the second
or so that importing pandas costs; anything that builds or returns a table
imports pandas as before. ``tests/test_gazetteer_speed_paths.py`` checks that a
warm resolve imports no pandas.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__ = ["LazyModule", "pd"]


class LazyModule:
    """A stand-in for a module that imports it at the first attribute access."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        module = self.__dict__.get("_module")
        if module is None:
            module = self.__dict__["_module"] = importlib.import_module(self.__dict__["_name"])
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


#: :mod:`pandas`, imported when first used.
pd: Any = LazyModule("pandas")
