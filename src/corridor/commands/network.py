"""``corridor network``: the compiled network, its sources and statistics; ``--rebuild``."""

from __future__ import annotations

import json
import shutil

HELP = "show (or rebuild) the compiled network and its sources"


def register(sub) -> None:
    n = sub.add_parser("network", help=HELP, description=HELP)
    n.add_argument("--rebuild", action="store_true", help="compile again from the installed sources")


def run(args) -> int:
    from corridor import network

    path = network.network_dir()
    if args.rebuild and path.exists():
        shutil.rmtree(path)
    net = network.load_network()
    m = net.manifest
    print(f"network {m['fingerprint']} at {net.path} (built {m['built_at']} in {m['build_seconds']} s)")
    for s in m["sources"]:
        print(f"  source: {s['name']}: {s['package']} {s['version']} ({s['licence']})")
    for key in m:
        if isinstance(m[key], dict):
            print(f"  {key}: {json.dumps(m[key], ensure_ascii=False)}")
    return 0
