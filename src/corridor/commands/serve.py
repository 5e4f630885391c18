"""``corridor serve``: the HTTP API and the web map (see :mod:`corridor.server`)."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace

from corridor import console

HELP = "serve the HTTP API (/route, /table, /nearest, /places) and the web map"


def _number(kind, least: float):
    """An argparse type: a number of ``kind`` that is at least ``least`` (above 0 when 0 < least)."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or value < least:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {'whole ' if kind is int else ''}number "
                                             f"{'>= 0' if least == 0 else '> 0'}")
        return value

    return parse


_COUNT, _POSITIVE_INT, _SECONDS = _number(int, 0), _number(int, 1), _number(float, 1e-9)


def register(sub) -> None:
    s = sub.add_parser("serve", help=HELP, description=HELP)
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=_POSITIVE_INT, default=8080, help="port (default 8080)")
    s.add_argument("--workers", type=_POSITIVE_INT, default=1, help="worker processes, each with the network loaded once")
    s.add_argument("--max-table", type=_POSITIVE_INT, metavar="CELLS",
                   help="largest /table, origins x destinations (default 10000; env CORRIDOR_MAX_TABLE)")
    s.add_argument("--max-alternatives", type=_COUNT, metavar="N",
                   help="most alternatives per /route (default 3; env CORRIDOR_MAX_ALTERNATIVES)")
    s.add_argument("--max-body", type=_POSITIVE_INT, metavar="BYTES",
                   help="largest request body (default 1000000; env CORRIDOR_MAX_BODY)")
    s.add_argument("--timeout", type=_SECONDS, metavar="S",
                   help="longest computing time per request (default 30; env CORRIDOR_REQUEST_TIMEOUT)")
    s.add_argument("--max-inflight", type=_POSITIVE_INT, metavar="N",
                   help="computations run at once per worker (default: the CPUs divided among the workers; "
                        "env CORRIDOR_MAX_INFLIGHT)")
    s.add_argument("--max-queue", type=_COUNT, metavar="N",
                   help="most computing requests waiting per worker before 503 (default 16 x max-inflight; "
                        "env CORRIDOR_MAX_QUEUE)")
    s.add_argument("--max-wait", type=_SECONDS, metavar="S",
                   help="longest predicted wait for a computing slot before 503 (default 0.05; env CORRIDOR_MAX_WAIT)")
    s.add_argument("--rate-limit", metavar="RATE",
                   help="per-client limit on /route, /table, /report shared by the workers: N/second, N/minute, "
                        "N/hour or off (default off; env CORRIDOR_RATE_LIMIT)")
    s.add_argument("--trusted-proxies", metavar="ADDRS",
                   help="comma-separated proxy addresses or CIDRs whose X-Forwarded-For is believed "
                        "(default none; env CORRIDOR_TRUSTED_PROXIES)")
    s.add_argument("--access-log", action="store_true",
                   help="log every request (uvicorn's access log; off by default: it costs each request a log record)")
    s.add_argument("--web-assets", metavar="DIR",
                   help="node_modules folder with the web map's assets (default: the copies shipped with corridor)")


def run(args) -> int:
    from pathlib import Path

    from corridor.errors import BadInput
    from corridor.extras import require
    from corridor.network import load_network

    uvicorn = require("uvicorn", "server", "corridor serve")
    require("fastapi", "server", "corridor serve")  # before the server modules that import it
    from corridor.server.ratelimit import parse_proxies, parse_rate
    from corridor.server.settings import ENV, QUEUE_PER_SLOT, Settings, cpu_count
    from corridor.server.web import find_assets, install_hint

    try:
        settings = Settings.from_env()
    except ValueError as e:
        raise BadInput(str(e)) from None
    flags = {"max_table_cells": args.max_table, "max_alternatives": args.max_alternatives,
             "max_body_bytes": args.max_body, "request_timeout_s": args.timeout,
             "web_assets": Path(args.web_assets) if args.web_assets else None,
             "max_inflight": args.max_inflight, "max_queue": args.max_queue, "max_wait_s": args.max_wait,
             "rate_limit": args.rate_limit,
             "trusted_proxies": args.trusted_proxies}
    if flags["max_inflight"] is None and ENV["max_inflight"] not in os.environ:
        flags["max_inflight"] = max(1, cpu_count() // args.workers)  # the workers share the CPUs
    if flags["max_queue"] is None and ENV["max_queue"] not in os.environ:
        flags["max_queue"] = QUEUE_PER_SLOT * (flags["max_inflight"] or settings.max_inflight)
    settings = replace(settings, **{k: v for k, v in flags.items() if v is not None})
    try:
        parse_rate(settings.rate_limit)
        parse_rate(settings.signin_rate, ENV["signin_rate"])
        parse_proxies(settings.trusted_proxies)
    except ValueError as e:
        raise BadInput(str(e)) from None
    # Every worker process builds its Settings from these variables.
    os.environ.update(settings.to_env())
    load_network(progress=console.progress())  # builds it once here (with a progress bar) rather than in every worker
    if find_assets(settings) is None:
        print(f"corridor: {install_hint(settings)}", file=sys.stderr)
    console.note(f"serving on http://{args.host}:{args.port}/ (API docs at /docs), "
                 f"{args.workers} worker{'s' if args.workers > 1 else ''}")
    # proxy_headers off: CORRIDOR_TRUSTED_PROXIES alone decides whose X-Forwarded-For names the client
    uvicorn.run("corridor.server.app:create_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level="info", proxy_headers=False, access_log=args.access_log)
    return 0
