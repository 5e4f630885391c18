"""One module per HTTP service, each with a FastAPI ``router``; :data:`SERVICES` lists them."""

from corridor.server.services import health, nearest, passages, places, report, reports, route, table

SERVICES = (route, table, nearest, places, passages, health, reports, report)
