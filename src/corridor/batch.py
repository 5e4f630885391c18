"""Large tables in pieces: read place lists, split the origins, run the pieces here or on Dask.

A table of N x M places is cut into blocks of origin rows. Each block is an ordinary
:func:`corridor.matrix` call, so a block computed by a Dask worker equals the same
block computed here; a worker process loads the compiled network once (``load_network``
keeps one shared instance per process) and reuses it for every block it receives.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from corridor.dask_checks import CONNECT_TIMEOUT_S, check_cluster, connect
from corridor.errors import BadInput
from corridor.extras import require
from corridor.network import load_network
from corridor.policy_table import matrix


def read_places(path) -> tuple[list[str], list]:
    """(ids, places) from a CSV with a ``place`` column, or ``lat`` and ``lon`` columns.

    An optional ``id`` column names the rows; otherwise the place text is the id.
    """
    path = Path(path)
    if not path.exists():
        raise BadInput(f"Place list {str(path)!r} not found.")
    if path.is_dir():
        raise BadInput(f"Place list {str(path)!r} is a folder; give a CSV file.")
    try:
        return _read_rows(path)
    except UnicodeDecodeError as e:
        raise BadInput(f"Place list {str(path)!r} is not UTF-8 text (it holds byte {e.object[e.start]:#04x}); "
                       "save it as UTF-8.") from None
    except OSError as e:
        raise BadInput(f"Place list {str(path)!r} cannot be read ({e.strerror or type(e).__name__}).") from None


def _read_rows(path: Path) -> tuple[list[str], list]:
    """The rows of :func:`read_places` (UTF-8, with or without a byte-order mark)."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        fields = {c.strip().lower(): c for c in reader.fieldnames or []}
        if "place" not in fields and not {"lat", "lon"} <= set(fields):
            raise BadInput(f"{path}: needs a 'place' column, or 'lat' and 'lon' columns "
                           f"(found: {', '.join(reader.fieldnames or []) or 'none'}).")
        ids, places = [], []
        for line, row in enumerate(reader, start=2):
            if "place" in fields:
                place = (row[fields["place"]] or "").strip()
            else:
                try:
                    place = (float(row[fields["lat"]]), float(row[fields["lon"]]))
                except (TypeError, ValueError):
                    raise BadInput(f"{path} line {line}: lat and lon must be numbers.") from None
            if not place:
                raise BadInput(f"{path} line {line}: empty place.")
            places.append(place)
            ids.append((row.get(fields.get("id", ""), "") or "").strip() or
                       (place if isinstance(place, str) else f"{place[0]},{place[1]}"))
    if not places:
        raise BadInput(f"{path}: no rows.")
    return ids, places


def _block(origins, destinations, options: dict) -> tuple[np.ndarray, np.ndarray]:
    m = matrix(origins, destinations, threads=1, **options)
    return m.distance_km, m.duration_h


def table(origins, destinations, *, block_rows: int = 25, dask: str | None = None, progress=None,
          connect_timeout_s: float = CONNECT_TIMEOUT_S, **options) -> tuple[np.ndarray, np.ndarray]:
    """Distance (km) and time (h) arrays for every origin x destination.

    Parameters
    ----------
    block_rows
        Origin rows per piece of work.
    dask
        ``None``: compute here. ``"local"``: on a new Dask LocalCluster (one worker per CPU).
        Otherwise the address of a running Dask scheduler. Every worker must run this corridor
        version on the same network sources, with the network already compiled
        (:func:`corridor.dask_checks.check_answers` says which workers do not).
    progress
        Called as ``progress(done_blocks, total_blocks)``.
    connect_timeout_s
        Seconds to wait for the Dask scheduler before reporting it unreachable.
    options
        Keyword options of :func:`corridor.matrix` (``modes``, ``avoid``, ``allow``, ``vessel``, ``speed_kn``).
    """
    blocks = [(i, min(i + block_rows, len(origins))) for i in range(0, len(origins), block_rows)]
    km = np.full((len(origins), len(destinations)), np.nan)
    hours = np.full_like(km, np.nan)
    report = progress or (lambda done, total: None)
    if dask is None:
        for k, (lo, hi) in enumerate(blocks):
            km[lo:hi], hours[lo:hi] = _block(origins[lo:hi], destinations, options)
            report(k + 1, len(blocks))
        return km, hours
    distributed = require("distributed", "dask", "corridor matrix --dask")
    if dask == "local":  # the local workers share this machine's cache: build it once, here, not per worker
        load_network(progress=progress is not None)
    cluster = (distributed.LocalCluster(processes=True, threads_per_worker=1, dashboard_address=None)
               if dask == "local" else None)
    try:
        with connect(distributed, cluster or dask, connect_timeout_s) as client:
            check_cluster(client)
            futures = {client.submit(_block, origins[lo:hi], destinations, options, pure=False): (lo, hi)
                       for lo, hi in blocks}
            for k, future in enumerate(distributed.as_completed(futures)):
                lo, hi = futures[future]
                km[lo:hi], hours[lo:hi] = future.result()
                report(k + 1, len(blocks))
    finally:
        if cluster is not None:
            cluster.close()
    return km, hours


def check_output(path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".parquet"):
        raise BadInput(f"Output {str(path)!r}: use a .csv or .parquet file name.")
    if path.suffix.lower() == ".parquet":
        require("pyarrow.parquet", "parquet", "A .parquet output file")  # before the table is computed
    return path


def write_table(path, origin_ids, destination_ids, km, hours) -> int:
    """One row per pair (origin, destination, distance_km, duration_h); CSV or Parquet by suffix."""
    path = check_output(path)
    o = np.repeat(np.asarray(origin_ids, dtype=object), len(destination_ids))
    d = np.tile(np.asarray(destination_ids, dtype=object), len(origin_ids))
    columns = {"origin": o, "destination": d, "distance_km": km.ravel(), "duration_h": hours.ravel()}
    if path.suffix.lower() == ".parquet":
        pa = require("pyarrow", "parquet", "A .parquet output file")
        pq = require("pyarrow.parquet", "parquet", "A .parquet output file")
        pq.write_table(pa.table({k: list(v) if v.dtype == object else v for k, v in columns.items()}), path)
    else:
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(columns)
            for row in zip(*columns.values()):
                w.writerow([x if not isinstance(x, float) else ("" if np.isnan(x) else round(x, 3)) for x in row])
    return len(o)
