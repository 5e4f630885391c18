"""The web map and API docs: the page at ``/`` and ``/static/``, the API docs at ``/docs``, their
libraries and the country shapes at ``/vendor/``.

The page (``corridor/web/``) ships with corridor. The map library (Leaflet), TopoJSON reader,
Natural Earth country shapes (``world-atlas``) and Swagger UI come from the npm registry
through ``web/package.json`` and its lock file: ``npm ci --prefix web`` in a corridor checkout.
Nothing is loaded from another host, so the map and the docs work offline. Without the
assets the API still works (schema at ``/openapi.json``), and ``/`` and ``/docs`` say which
command installs them.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from corridor.server.errors import error_body
from corridor.server.settings import Settings

INSTALL = "npm ci --prefix web"
# URL folder -> folder inside node_modules, and a file that must be there.
VENDOR = {
    "leaflet": ("leaflet/dist", "leaflet.js"),
    "topojson-client": ("topojson-client/dist", "topojson-client.min.js"),
    "world-atlas": ("world-atlas", "countries-50m.json"),
    "swagger-ui": ("swagger-ui-dist", "swagger-ui-bundle.js"),
}


def _checkout_assets() -> Path:
    """``web/node_modules`` of the source checkout corridor runs from (an editable install)."""
    return Path(__file__).resolve().parents[3] / "web" / "node_modules"


def find_assets(settings: Settings) -> Path | None:
    """The ``node_modules`` folder holding every vendored asset, or None when not installed."""
    root = settings.web_assets or _checkout_assets()
    if all((root / folder / probe).is_file() for folder, probe in VENDOR.values()):
        return root
    return None


def install_hint(settings: Settings) -> str:
    """How to install the assets, naming the folder that was searched."""
    root = settings.web_assets or _checkout_assets()
    return (f"The web map's assets (Leaflet, topojson-client, Natural Earth world-atlas, Swagger UI) are not installed in "
            f"{root}. Run `{INSTALL}` in the corridor source checkout, or set CORRIDOR_WEB_ASSETS "
            "(--web-assets) to a node_modules folder that has them. The HTTP API works without them.")


def _missing_page(hint: str) -> str:
    return ("<!doctype html><html lang='en'><meta charset='utf-8'><title>corridor: web map not installed</title>"
            "<body style='font-family:sans-serif;max-width:40em;margin:3em auto'>"
            f"<h1>Web map not installed</h1><p>{escape(hint)}</p>"
            "<p>The API is up: its schema is at <a href='/openapi.json'>/openapi.json</a>.</p></body></html>")


def mount(app: FastAPI, settings: Settings) -> dict:
    """Add ``/``, ``/docs``, ``/static`` and ``/vendor`` to ``app``; returns the assets' status for ``/health``."""
    page = Path(__file__).resolve().parents[1] / "web"
    assets = find_assets(settings)
    app.mount("/static", StaticFiles(directory=page), name="static")
    if assets is not None:
        for url, (folder, _) in VENDOR.items():
            app.mount(f"/vendor/{url}", StaticFiles(directory=assets / folder), name=f"vendor-{url}")

        @app.get("/", include_in_schema=False)
        async def index():
            return FileResponse(page / "index.html", media_type="text/html")

        @app.get("/docs", include_in_schema=False)
        async def docs():
            return get_swagger_ui_html(openapi_url=app.openapi_url, title=f"{app.title} API",
                                       swagger_js_url="/vendor/swagger-ui/swagger-ui-bundle.js",
                                       swagger_css_url="/vendor/swagger-ui/swagger-ui.css",
                                       swagger_favicon_url="/vendor/swagger-ui/favicon-32x32.png")

        return {"installed": True, "path": str(assets)}

    hint = install_hint(settings)

    @app.get("/", include_in_schema=False)
    @app.get("/docs", include_in_schema=False)
    async def index_missing():
        return HTMLResponse(_missing_page(hint), status_code=503)

    @app.get("/vendor/{path:path}", include_in_schema=False)
    async def vendor_missing(path: str):
        return JSONResponse(error_body("web_assets_missing", hint), status_code=503)

    return {"installed": False, "install": hint}
