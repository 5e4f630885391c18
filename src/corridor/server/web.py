"""The web map and API docs: the page at ``/`` and ``/static/``, the API docs at ``/docs``, their
libraries and the country shapes at ``/vendor/``.

The page (``corridor/web/``) and its libraries ship with corridor: the map library (Leaflet),
TopoJSON reader, Natural Earth country shapes (``world-atlas``) and Swagger UI are copied from
the npm packages pinned by ``web/package-lock.json`` into ``corridor/web/vendor/`` by
``scripts/refresh_web_vendor.py`` (versions, licences and hashes in its ``manifest.json``), so
``pip install 'corridor[server]'`` alone gives a working map. Nothing is loaded from another
host, so the map and the docs work offline. ``--web-assets`` (``CORRIDOR_WEB_ASSETS``) serves
them from a ``node_modules`` folder instead; if that lacks them, the API still works (schema at
``/openapi.json``), and ``/`` and ``/docs`` say so.
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

PAGE = Path(__file__).resolve().parents[1] / "web"
PACKAGED = PAGE / "vendor"
# URL folder -> folder inside node_modules, and a file that must be there.
VENDOR = {
    "leaflet": ("leaflet/dist", "leaflet.js"),
    "topojson-client": ("topojson-client/dist", "topojson-client.min.js"),
    "world-atlas": ("world-atlas", "countries-50m.json"),
    "swagger-ui": ("swagger-ui-dist", "swagger-ui-bundle.js"),
}


def asset_folders(settings: Settings) -> dict[str, Path]:
    """URL folder under ``/vendor/`` -> the directory it is served from."""
    if settings.web_assets is None:
        return {url: PACKAGED / url for url in VENDOR}
    return {url: settings.web_assets / folder for url, (folder, _) in VENDOR.items()}


def find_assets(settings: Settings) -> dict[str, Path] | None:
    """The folders serving every vendored asset, or None when one is missing."""
    folders = asset_folders(settings)
    if all((folders[url] / probe).is_file() for url, (_, probe) in VENDOR.items()):
        return folders
    return None


def install_hint(settings: Settings) -> str:
    """What is missing and how to get it, naming the folder that was searched."""
    root = settings.web_assets or PACKAGED
    return (f"The web map's assets (Leaflet, topojson-client, Natural Earth world-atlas, Swagger UI) are not in "
            f"{root}. Unset CORRIDOR_WEB_ASSETS (--web-assets) to use the copies shipped with corridor, or point it "
            "to a node_modules folder that has them (`npm ci --prefix web` in a corridor checkout). "
            "The HTTP API works without them.")


def _missing_page(hint: str) -> str:
    return ("<!doctype html><html lang='en'><meta charset='utf-8'><title>corridor: web map not installed</title>"
            "<body style='font-family:sans-serif;max-width:40em;margin:3em auto'>"
            f"<h1>Web map not installed</h1><p>{escape(hint)}</p>"
            "<p>The API is up: its schema is at <a href='/openapi.json'>/openapi.json</a>.</p></body></html>")


def mount(app: FastAPI, settings: Settings) -> dict:
    """Add ``/``, ``/docs``, ``/static`` and ``/vendor`` to ``app``; returns the assets' status for ``/health``."""
    assets = find_assets(settings)
    app.mount("/static", StaticFiles(directory=PAGE), name="static")
    if assets is not None:
        for url, folder in assets.items():
            app.mount(f"/vendor/{url}", StaticFiles(directory=folder), name=f"vendor-{url}")

        @app.get("/", include_in_schema=False)
        async def index():
            return FileResponse(PAGE / "index.html", media_type="text/html")

        @app.get("/docs", include_in_schema=False)
        async def docs():
            return get_swagger_ui_html(openapi_url=app.openapi_url, title=f"{app.title} API",
                                       swagger_js_url="/vendor/swagger-ui/swagger-ui-bundle.js",
                                       swagger_css_url="/vendor/swagger-ui/swagger-ui.css",
                                       swagger_favicon_url="/vendor/swagger-ui/favicon-32x32.png")

        return {"installed": True, "path": str(settings.web_assets or PACKAGED)}

    hint = install_hint(settings)

    @app.get("/", include_in_schema=False)
    @app.get("/docs", include_in_schema=False)
    async def index_missing():
        return HTMLResponse(_missing_page(hint), status_code=503)

    @app.get("/vendor/{path:path}", include_in_schema=False)
    async def vendor_missing(path: str):
        return JSONResponse(error_body("web_assets_missing", hint), status_code=503)

    return {"installed": False, "install": hint}
