"""``corridor matrix``: distance and time between many origins and destinations (sea)."""

from __future__ import annotations

import sys

HELP = "distance and time table between many places, here or on a Dask cluster"


def register(sub) -> None:
    m = sub.add_parser("matrix", help=HELP, description=HELP)
    m.add_argument("--origins", required=True, metavar="CSV", help="CSV with a 'place' column or 'lat','lon' (optional 'id')")
    m.add_argument("--destinations", required=True, metavar="CSV", help="same format as --origins")
    m.add_argument("--out", required=True, metavar="FILE", help="output table: .csv or .parquet")
    m.add_argument("--avoid", metavar="LIST", help="passages to avoid, comma-separated")
    m.add_argument("--allow", metavar="LIST", help="passages closed by default to open")
    m.add_argument("--vessel", default="seagoing", choices=["seagoing", "river-sea"])
    m.add_argument("--speed", type=float, metavar="KN", help="sea speed in knots (default 16)")
    m.add_argument("--dask", nargs="?", const="local", metavar="ADDRESS",
                   help="split the table across a Dask cluster (no address: a local cluster)")
    m.add_argument("--block-rows", type=int, default=25, help="origin rows per piece of work")


def run(args) -> int:
    from tqdm import tqdm

    from corridor.batch import check_output, read_places, table, write_table

    check_output(args.out)
    origin_ids, origins = read_places(args.origins)
    destination_ids, destinations = read_places(args.destinations)
    bar = tqdm(total=1, desc=f"{len(origins)} x {len(destinations)} table", unit="block", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    km, hours = table(origins, destinations, block_rows=max(1, args.block_rows), dask=args.dask,
                      progress=progress, avoid=args.avoid, allow=args.allow, vessel=args.vessel,
                      speed_kn=args.speed)
    bar.close()
    rows = write_table(args.out, origin_ids, destination_ids, km, hours)
    print(f"wrote {args.out}: {rows:,} pairs ({int((km == km).sum()):,} with a route); "
          f"sea distance and time at {args.speed or 16:g} kn")
    return 0
