"""The web map's libraries ship inside corridor (``corridor/web/vendor/``), as pinned by
``web/package-lock.json``, and ``corridor serve`` serves them with no npm step."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "src" / "corridor" / "web" / "vendor"
MANIFEST = json.loads((VENDOR / "manifest.json").read_text())
LOCKED = json.loads((ROOT / "web" / "package-lock.json").read_text())["packages"]
NODE_MODULES = ROOT / "web" / "node_modules"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_locked_dependency_is_shipped_at_its_locked_version_and_integrity():
    wanted = json.loads((ROOT / "web" / "package.json").read_text())["dependencies"]
    shipped = {m["package"]: m for m in MANIFEST.values()}
    assert set(shipped) == set(wanted)
    for package, entry in shipped.items():
        lock = LOCKED[f"node_modules/{package}"]
        assert (entry["version"], entry["integrity"], entry["license"]) == \
               (lock["version"], lock["integrity"], lock["license"]), package
        assert entry["version"] == wanted[package]


def test_shipped_files_are_exactly_the_manifest_with_its_hashes():
    listed = {Path(url) / name: digest for url, m in MANIFEST.items() for name, digest in m["files"].items()}
    on_disk = {p.relative_to(VENDOR) for p in VENDOR.rglob("*") if p.is_file()} - {Path("manifest.json")}
    assert on_disk == set(listed)
    assert all(sha256(VENDOR / rel) == digest for rel, digest in listed.items())
    assert all("LICENSE" in m["files"] for m in MANIFEST.values())


def test_shipped_files_are_the_npm_packages_bytes():
    """With ``npm ci --prefix web`` done (npm checks each tarball's integrity), every shipped file
    equals the installed package's file at the locked version."""
    if not NODE_MODULES.is_dir():
        pytest.skip("web/node_modules not installed (npm ci --prefix web)")
    spec = importlib.util.spec_from_file_location("refresh_web_vendor", ROOT / "scripts" / "refresh_web_vendor.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    for url, (package, files) in script.FILES.items():
        installed = json.loads((NODE_MODULES / package / "package.json").read_text())["version"]
        assert installed == MANIFEST[url]["version"], f"npm ci --prefix web: {package} {installed} is stale"
        for src, dst in files.items():
            assert sha256(NODE_MODULES / package / src) == MANIFEST[url]["files"][dst], (package, src)


def test_serve_gives_the_map_and_its_assets_from_the_package(net):
    from fastapi.testclient import TestClient

    from corridor.server.app import create_app
    from corridor.server.settings import Settings

    with TestClient(create_app(Settings())) as client:
        page = client.get("/")
        assert page.status_code == 200 and "/vendor/leaflet/leaflet.js" in page.text
        health = client.get("/health").json()["web_assets"]
        assert health["installed"] is True and Path(health["path"]) == VENDOR
        for url, path in [("/vendor/leaflet/leaflet.js", "leaflet/leaflet.js"),
                          ("/vendor/leaflet/leaflet.css", "leaflet/leaflet.css"),
                          ("/vendor/topojson-client/topojson-client.min.js", "topojson-client/topojson-client.min.js"),
                          ("/vendor/world-atlas/countries-50m.json", "world-atlas/countries-50m.json"),
                          ("/vendor/swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js")]:
            response = client.get(url)
            assert response.status_code == 200 and response.content == (VENDOR / path).read_bytes(), url
        docs = client.get("/docs")
        assert docs.status_code == 200 and "/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text
