"""``corridor matrix``: distance and time between many origins and destinations (by sea, or
by the modes of ``--modes``).

``--origins -`` or ``--destinations -`` reads that CSV from stdin; ``--out -`` writes the CSV
table to stdout (the summary line then goes to stderr, so the table stays clean)."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from corridor import console

HELP = "distance and time table between many places, here or on a Dask cluster"


def register(sub) -> None:
    from corridor.request import TABLE

    m = sub.add_parser("matrix", help=HELP, description=HELP)
    m.add_argument("--origins", required=True, metavar="CSV",
                   help="CSV with a 'place' column or 'lat','lon' (optional 'id'); '-' for stdin")
    m.add_argument("--destinations", required=True, metavar="CSV", help="same format as --origins")
    m.add_argument("--out", required=True, metavar="FILE", help="output table: .csv or .parquet; '-' for CSV on stdout")
    TABLE.add_arguments(m, skip=("origins", "destinations"))  # as declared in corridor.request.table
    m.add_argument("--dask", nargs="?", const="local", metavar="ADDRESS",
                   help="split the table across a Dask cluster (no address: a local cluster); every worker "
                        "must run this corridor version with its network already built (`corridor network`)")
    m.add_argument("--block-rows", type=int, default=25, help="origin rows per piece of work")


def _read(name: str, spool: Path):
    """(ids, places) of the CSV ``name``; ``-`` is stdin, copied to ``spool`` first because the
    reader takes a path. Messages name ``-`` (stdin), not the copy."""
    from corridor.batch import read_places
    from corridor.errors import BadInput

    if name != "-":
        return read_places(name)
    with open(spool, "w", encoding="utf-8", newline="") as f:
        shutil.copyfileobj(sys.stdin, f)
    try:
        return read_places(spool)
    except BadInput as e:
        raise BadInput(str(e).replace(str(spool), "- (stdin)")) from None


def run(args) -> int:
    from tqdm import tqdm

    from corridor.batch import check_output, table, write_table
    from corridor.errors import BadInput
    from corridor.request import TABLE, TableRequest

    options = TABLE.from_args(args, skip=("origins", "destinations"))  # those are CSV files here
    req = TableRequest.make(origins=(), **options)  # the options checked before any file is read
    if args.origins == args.destinations == "-":
        raise BadInput("--origins and --destinations cannot both be '-' (stdin is read once); "
                       "give one of them as a file")
    to_stdout = args.out == "-"
    with tempfile.TemporaryDirectory(prefix="corridor-matrix-") as tmp:
        out = Path(tmp) / "table.csv" if to_stdout else check_output(args.out)
        origin_ids, origins = _read(args.origins, Path(tmp) / "stdin.csv")
        destination_ids, destinations = _read(args.destinations, Path(tmp) / "stdin.csv")
        bar = tqdm(total=1, desc=f"{len(origins)} x {len(destinations)} table", unit="block", file=sys.stderr,
                   disable=not console.progress())

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        km, hours = table(origins, destinations, block_rows=max(1, args.block_rows), dask=args.dask,
                          progress=progress, **options)
        bar.close()
        rows = write_table(out, origin_ids, destination_ids, km, hours)
        if to_stdout:
            with open(out, encoding="utf-8", newline="") as f:
                shutil.copyfileobj(f, sys.stdout)
    summary = f"{rows:,} pairs ({int((km == km).sum()):,} with a route); "
    if req.multimodal:
        from corridor.engine.table import CELLS_NOTE

        summary += f"by {', '.join(req.modes)}: {CELLS_NOTE}; the transit policy applies as in corridor route"
    else:
        summary += f"sea distance and time at {req.speed_kn or 16:g} kn"
    if to_stdout:
        console.note(f"wrote the table to stdout: {summary}")
    else:
        print(f"wrote {args.out}: {summary}")
    return 0
