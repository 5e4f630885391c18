"""``corridor report A B``: gateways, corridor options and what-ifs for a pair of countries.

:mod:`.build` computes (by composing planner calls), :mod:`.html` writes a self-contained page,
:mod:`.png` a static map.
"""

from corridor.report.build import build_report

__all__ = ["build_report"]
