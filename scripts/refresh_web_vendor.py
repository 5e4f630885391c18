"""Refresh ``src/corridor/web/vendor/``: the web map's libraries, shipped inside corridor.

Copies the files ``corridor serve`` needs from ``web/node_modules`` (installed from the npm
registry as pinned by ``web/package-lock.json``) and writes ``vendor/manifest.json``: for each
package its version, licence and registry tarball integrity hash as the lock file gives them,
and the SHA-256 of every copied file. ``tests/test_web_vendor.py`` checks the copies against
the manifest and the manifest against the lock file. Run after changing web/package.json:

    npm install --prefix web && npm ci --prefix web && python scripts/refresh_web_vendor.py
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "web" / "package-lock.json"
NODE_MODULES = ROOT / "web" / "node_modules"
VENDOR = ROOT / "src" / "corridor" / "web" / "vendor"
# URL folder under /vendor/ -> npm package and the files of it that are served (plus its licence).
FILES = {
    "leaflet": ("leaflet", {"dist/leaflet.js": "leaflet.js", "dist/leaflet.css": "leaflet.css",
                            **{f"dist/images/{n}": f"images/{n}" for n in
                               ("layers.png", "layers-2x.png", "marker-icon.png", "marker-icon-2x.png",
                                "marker-shadow.png")},
                            "LICENSE": "LICENSE"}),
    "topojson-client": ("topojson-client", {"dist/topojson-client.min.js": "topojson-client.min.js",
                                            "LICENSE": "LICENSE"}),
    "world-atlas": ("world-atlas", {"countries-50m.json": "countries-50m.json", "LICENSE": "LICENSE"}),
    "swagger-ui": ("swagger-ui-dist", {"swagger-ui-bundle.js": "swagger-ui-bundle.js",
                                       "swagger-ui-bundle.js.LICENSE.txt": "swagger-ui-bundle.js.LICENSE.txt",
                                       "swagger-ui.css": "swagger-ui.css", "favicon-32x32.png": "favicon-32x32.png",
                                       "LICENSE": "LICENSE", "NOTICE": "NOTICE"}),
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    locked = json.loads(LOCK.read_text())["packages"]
    manifest = {}
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    for url, (package, files) in FILES.items():
        entry = locked[f"node_modules/{package}"]
        installed = json.loads((NODE_MODULES / package / "package.json").read_text())["version"]
        if installed != entry["version"]:
            raise SystemExit(f"{package}: node_modules has {installed}, the lock file {entry['version']}: "
                             "run `npm ci --prefix web` first")
        copied = {}
        for src, dst in files.items():
            target = VENDOR / url / dst
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(NODE_MODULES / package / src, target)
            copied[dst] = sha256(target)
        manifest[url] = {"package": package, "version": entry["version"], "license": entry.get("license"),
                         "integrity": entry["integrity"], "files": copied}
    (VENDOR / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    print(f"wrote {VENDOR}: " + ", ".join(f"{m['package']} {m['version']}" for m in manifest.values()))


if __name__ == "__main__":
    main()
