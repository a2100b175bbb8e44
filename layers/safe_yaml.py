"""YAML for curated datasets and users' stories, without the ways a small file can exhaust the server.

YAML aliases (``&a`` / ``*a``) let a few hundred bytes expand into gigabytes ("billion
laughs"); the project's files never need them, so they are refused, as are files over
:data:`MAX_YAML_BYTES`. Only plain data is built (``yaml.SafeLoader``: no Python tags).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from geo.errors import DataSchemaError, InputFileError

__all__ = ["MAX_YAML_BYTES", "load_yaml"]

#: The largest YAML file read (the largest curated dataset is well under 1 MB).
MAX_YAML_BYTES = 8 * 1024 * 1024


class _NoAliasLoader(yaml.SafeLoader):
    """A safe loader that refuses anchors and aliases."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.events.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed in these files; write the value out", mark
            )
        return super().compose_node(parent, index)


#: libyaml's loader when PyYAML was built with it (the C parser is ~20x faster than the pure
#: Python one: the curated datasets took seconds to read on every start). It cannot refuse
#: aliases while composing, so :func:`_check_events` walks the C parser's events first.
_FAST: Any = getattr(yaml, "CSafeLoader", None) if getattr(yaml, "__with_libyaml__", False) else None

#: Deeper nesting is refused (the project's files nest a few levels; libyaml builds nodes recursively).
MAX_YAML_DEPTH = 100


def _check_events(text: str) -> None:
    """Refuse aliases, anchors and nesting deeper than :data:`MAX_YAML_DEPTH` (libyaml's events, no nodes built)."""
    depth = 0
    for event in yaml.parse(text, Loader=_FAST):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed in these files; write the value out", event.start_mark
            )
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_YAML_DEPTH} levels deep", event.start_mark
                )
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def load_yaml(path: str | Path) -> Any:
    r"""Read *path* as plain YAML data: no aliases, no Python tags, at most :data:`MAX_YAML_BYTES`.

    Raises
    ------
    InputFileError
        The file cannot be read or is too large.
    DataSchemaError
        It is not valid YAML or uses aliases (the message gives the line).

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "bomb.yaml")
    >>> _ = open(p, "w").write("a: &a [x, x]\nb: [*a, *a]\n")
    >>> load_yaml(p)
    Traceback (most recent call last):
    ...
    geo.errors.DataSchemaError: bomb.yaml: not valid YAML (YAML aliases (*name) are not allowed ...
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise InputFileError(f"{path.name}: {size:,} bytes, over the {MAX_YAML_BYTES:,} a YAML file may have")
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputFileError(f"{path.name}: cannot read ({err.strerror or err})") from err
    except UnicodeDecodeError as err:
        raise DataSchemaError(f"{path.name}: not UTF-8 text ({err.reason} at byte {err.start})") from err
    try:
        if _FAST is None:
            return yaml.load(text, Loader=_NoAliasLoader)
        _check_events(text)  # aliases and nesting refused before anything is built
        return yaml.load(text, Loader=_FAST)
    except yaml.YAMLError as err:
        raise DataSchemaError(f"{path.name}: not valid YAML ({' '.join(str(err).split())})") from err
    except RecursionError as err:  # the pure-Python scanner recurses per nesting level
        raise DataSchemaError(f"{path.name}: not valid YAML (nested more than {MAX_YAML_DEPTH} levels deep)") from err
