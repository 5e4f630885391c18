"""The one table entry point of every front end: the engine's table under the transit policy.

The engine may not import the transit policy (``tests/test_imports.py``), so something above it
must pass the policy's avoided countries to :func:`corridor.engine.table.matrix`. ``corridor.matrix``,
``corridor matrix`` (:mod:`corridor.batch`) and the server's ``/table`` all call :func:`matrix`
here, so the policy is read in one place and every table answers under the same one.
"""

from __future__ import annotations

from corridor import transit_policy
from corridor.engine.table import Matrix
from corridor.engine.table import matrix as engine_matrix


def matrix(origins, destinations, **options) -> Matrix:
    """:func:`corridor.engine.table.matrix` with the effective transit policy
    (:func:`corridor.transit_policy.load`: the table and the default policy file).

    Parameters
    ----------
    origins, destinations
        Places, as :func:`corridor.matrix` takes them.
    **options
        The engine table's other keyword options (``modes``, ``avoid``, ``allow``, ``vessel``,
        ``speed_kn``, ``network``, ``threads``, ``progress``); not ``transit_avoided``, which
        this function sets.

    Returns
    -------
    Matrix
        As :func:`corridor.engine.table.matrix` returns it.
    """
    return engine_matrix(origins, destinations, transit_avoided=transit_policy.load().avoided(), **options)
