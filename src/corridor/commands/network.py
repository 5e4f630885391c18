"""``corridor network``: the compiled network, its sources and statistics; ``--rebuild``;
``--hierarchies`` builds the speed-ups of the default requests (contraction hierarchies, hub labels)."""

from __future__ import annotations

import json
import shutil

HELP = "show (or rebuild) the compiled network and its sources"


def register(sub) -> None:
    n = sub.add_parser("network", help=HELP, description=HELP)
    n.add_argument("--rebuild", action="store_true", help="compile again from the installed sources")
    n.add_argument("--hierarchies", action="store_true",
                   help="build the contraction hierarchies and hub labels of the default requests (once per "
                        "network, about 12 minutes on 2 CPUs): default routes and sea tables become much faster")


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
    if args.hierarchies:
        from corridor.default_hierarchies import build_default_hierarchies

        build_default_hierarchies(net)
    found = sorted(p.name for p in net.path.glob("ch-*.npz"))
    print(f"  speed-ups: {len(found)} contraction hierarchies ({', '.join(found) or 'none'})"
          + ("" if found else "; 'corridor network --hierarchies' builds them"))
    return 0
