"""``corridor matrix``: distance and time between many origins and destinations (sea)."""

from __future__ import annotations

import sys

HELP = "distance and time table between many places, here or on a Dask cluster"


def register(sub) -> None:
    from corridor.request import TABLE

    m = sub.add_parser("matrix", help=HELP, description=HELP)
    m.add_argument("--origins", required=True, metavar="CSV", help="CSV with a 'place' column or 'lat','lon' (optional 'id')")
    m.add_argument("--destinations", required=True, metavar="CSV", help="same format as --origins")
    m.add_argument("--out", required=True, metavar="FILE", help="output table: .csv or .parquet")
    TABLE.add_arguments(m, skip=("origins", "destinations"))  # as declared in corridor.request.table
    m.add_argument("--dask", nargs="?", const="local", metavar="ADDRESS",
                   help="split the table across a Dask cluster (no address: a local cluster); every worker "
                        "must run this corridor version with its network already built (`corridor network`)")
    m.add_argument("--block-rows", type=int, default=25, help="origin rows per piece of work")


def run(args) -> int:
    from tqdm import tqdm

    from corridor.batch import check_output, read_places, table, write_table
    from corridor.request import TABLE, TableRequest

    options = TABLE.from_args(args, skip=("origins", "destinations"))  # those are CSV files here
    req = TableRequest.make(origins=(), **options)  # the options checked before any file is read
    check_output(args.out)
    origin_ids, origins = read_places(args.origins)
    destination_ids, destinations = read_places(args.destinations)
    bar = tqdm(total=1, desc=f"{len(origins)} x {len(destinations)} table", unit="block", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    km, hours = table(origins, destinations, block_rows=max(1, args.block_rows), dask=args.dask,
                      progress=progress, **options)
    bar.close()
    rows = write_table(args.out, origin_ids, destination_ids, km, hours)
    print(f"wrote {args.out}: {rows:,} pairs ({int((km == km).sum()):,} with a route); "
          f"sea distance and time at {req.speed_kn or 16:g} kn")
    return 0
