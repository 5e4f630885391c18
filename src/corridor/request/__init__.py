"""Requests: one object per service (route, table, report), every option declared once with
its type, default, range, unit and help, and checked once where the request enters.

Front ends build these; the planner, the table and the report take them as they are.
"""

from corridor.request.options import MAX_TEXT, Option
from corridor.request.route import ROUTE, RouteRequest
from corridor.request.service import Service
from corridor.request.table import REPORT, TABLE, ReportRequest, TableRequest

__all__ = ["MAX_TEXT", "Option", "REPORT", "ROUTE", "ReportRequest", "RouteRequest", "Service", "TABLE",
           "TableRequest"]
