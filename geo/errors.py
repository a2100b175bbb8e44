"""Every exception the project raises.

Each class inherits the project root, :class:`IncidentMapError`, *and* the
builtin that fits, so callers can catch either (``except LookupError`` works
as well as ``except IncidentMapError``). Messages name the input, the problem
and, where there is one, the fix.
"""

from __future__ import annotations


class IncidentMapError(Exception):
    """Root of every error this project raises on purpose."""


class PlaceNotFoundError(IncidentMapError, LookupError):
    """A place name or id is not in the gazetteer."""


class AmbiguousPlaceError(IncidentMapError, LookupError):
    """A place name matches several places and no context decides between them."""


class CorridorNotFoundError(IncidentMapError, LookupError):
    """A highway name does not match any corridor."""


class DataSchemaError(IncidentMapError, ValueError):
    """A table or file lacks required columns or has the wrong shape."""


class InvalidOptionError(IncidentMapError, ValueError):
    """An option has a value outside the allowed set."""


class InputFileError(IncidentMapError, OSError):
    """An input file is missing, unreadable or not in the expected format."""


class ParseBudgetError(InputFileError):
    """Parsing an input file would take more time, memory or bytes than its budget."""


class StoreError(IncidentMapError, OSError):
    """A dataset store could not be written or read."""


class EditConflictError(StoreError):
    """Someone else changed the record since it was read; ``current`` holds its values now."""

    def __init__(self, message: str, current: dict | None = None) -> None:
        super().__init__(message)
        self.current = current or {}


class RasterError(IncidentMapError, ValueError):
    """A raster is unreadable, lacks a CRS or does not fit the map."""


class ExportError(IncidentMapError, RuntimeError):
    """An export could not be produced."""


class FetchError(IncidentMapError, OSError):
    """A download failed or was refused; the previous copy is kept."""
