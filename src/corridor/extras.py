"""Optional features and the pip extra that installs each one's packages.

The base install plans routes and writes reports; the HTTP server, Dask tables, Parquet output
and a PostgreSQL reports database need packages that come with an extra (see pyproject.toml).
A feature imports its package through :func:`require`, so a missing extra is a one-line
message naming the install command (exit code 2), never an ImportError traceback.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from corridor.errors import CorridorError


class MissingExtra(CorridorError):
    """A feature's package is not installed; the message names the extra that brings it."""

    def __init__(self, feature: str, extra: str, module: str):
        self.extra = extra
        super().__init__(f"{feature} needs the {module!r} package, which is not installed: "
                         f"pip install 'corridor[{extra}]' (or 'corridor[all]').")


def require(module: str, extra: str, feature: str) -> ModuleType:
    """Import ``module``, or raise :class:`MissingExtra` naming ``extra`` and ``feature``.

    Parameters
    ----------
    module : str
        Module to import, e.g. ``"uvicorn"``.
    extra : str
        The corridor extra that installs it, e.g. ``"server"``.
    feature : str
        What the user asked for, for the message, e.g. ``"corridor serve"``.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtra(feature, extra, module.partition(".")[0]) from None
