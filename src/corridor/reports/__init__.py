"""Data-error reports: readers flag a wrong figure where they see it, maintainers review it.

:mod:`~corridor.reports.model` (the report and its validation), :mod:`~corridor.reports.store`
(SQLite or PostgreSQL), :mod:`~corridor.reports.ratelimit` (per-client limits),
:mod:`~corridor.reports.recheck` (re-running the query a report came from). The HTTP service
is :mod:`corridor.server.services.reports`, the page widget ``corridor/web/report-widget.js``,
the review commands ``corridor reports ...``.
"""
