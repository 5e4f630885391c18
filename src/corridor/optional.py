"""Optional dependencies (pandas, for data frames), imported when first used."""

from __future__ import annotations

import importlib
from types import ModuleType

from corridor.errors import BadInput


def require(module: str, purpose: str) -> ModuleType:
    """Import ``module`` or raise :class:`BadInput` saying how to install it.

    Parameters
    ----------
    module
        The module's import name, e.g. ``"pandas"``.
    purpose
        What needs it, for the message, e.g. ``"Route.legs_frame()"``.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise BadInput(f"{purpose} needs {module}, which is not installed: pip install {module}") from None
