"""The answers of multimodal requests as JSON lines, to check that a speed change leaves them
unchanged (issue #17): ``bench/ch.py``'s 50 port pairs by sea, rail, road and ferry (its
multimodal row), then random pairs of cities (GeoNames, 15,000 people or more) in Europe,
Asia and the Caucasus, as coordinates, many of them with a country of the transit policy on
the way; a few of those ask for alternatives, the cost objective or the Pareto front.

Run::

    PYTHONPATH=/path/to/main/src python bench/multimodal_answers.py > before.jsonl
    PYTHONPATH=src python bench/multimodal_answers.py > after.jsonl
    PYTHONPATH=src python bench/multimodal_answers.py --repeat > again.jsonl
    python bench/multimodal_answers.py --compare before.jsonl after.jsonl

``--compare`` says which answers differ: floats beyond 1e-9 relative, anything else at all.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SURFACE = ["sea", "rail", "road", "ferry"]
REGIONS = {  # lon, lat boxes
    "europe": ((-9.0, 35.0), (30.0, 60.0)),
    "asia": ((60.0, 10.0), (135.0, 50.0)),
    "caucasus": ((38.0, 38.5), (50.0, 44.0)),
}
N_RANDOM, SEED = 200, 1718
WITH_OPTIONS = ({"alternatives": 2}, {"optimize": "cost"}, {"pareto": True})  # every tenth request, in turn


def _without_fingerprint(x):
    if isinstance(x, dict):
        return {k: _without_fingerprint(v) for k, v in x.items() if k != "fingerprint"}
    if isinstance(x, list):
        return [_without_fingerprint(v) for v in x]
    return x


def requests(net) -> list[tuple[str, tuple, tuple, dict]]:
    """(name, origin, destination, options) of every request, in a fixed order."""
    from speed import choose_pairs

    from corridor.data.cities import read_cities

    out = [(f"{p['code_a']}-{p['code_b']}", tuple(p["a"]), tuple(p["b"]), {}) for p in choose_pairs(net)[0]]
    c = read_cities("15000")
    by_region = {}
    for region, ((lon0, lat0), (lon1, lat1)) in REGIONS.items():
        by_region[region] = np.flatnonzero((c.lon >= lon0) & (c.lon <= lon1) & (c.lat >= lat0) & (c.lat <= lat1))
    rng = np.random.default_rng(SEED)
    names = list(REGIONS)
    for k in range(N_RANDOM):
        ra, rb = rng.choice(names, 2)
        i, j = int(rng.choice(by_region[ra])), int(rng.choice(by_region[rb]))
        options = WITH_OPTIONS[(k // 10) % len(WITH_OPTIONS)] if k % 10 == 9 else {}
        out.append((f"{c.name[i]} ({c.country[i]})-{c.name[j]} ({c.country[j]})",
                    (float(c.lat[i]), float(c.lon[i])), (float(c.lat[j]), float(c.lon[j])), options))
    return out


def dump(repeat: bool) -> None:
    import corridor
    from corridor.network import load_network

    for name, a, b, options in requests(load_network(progress=False)):
        try:
            if repeat:  # the answer asked a second time: what corridor keeps must give the same
                corridor.route(a, b, modes=SURFACE, **options).to_dict()
            answer = _without_fingerprint(corridor.route(a, b, modes=SURFACE, **options).to_dict())
        except corridor.CorridorError as e:
            answer = f"{type(e).__name__}: {e}"
        print(json.dumps({"request": name, "options": options, "answer": answer}, sort_keys=True, default=str),
              flush=True)


def differences(x, y, where: str = "") -> list[str]:
    """Where ``x`` and ``y`` differ: floats beyond 1e-9 relative, anything else at all."""
    if isinstance(x, float) and isinstance(y, float):
        return [] if math.isclose(x, y, rel_tol=1e-9, abs_tol=0.0) or (x == y) else [f"{where}: {x!r} != {y!r}"]
    if isinstance(x, dict) and isinstance(y, dict):
        if x.keys() != y.keys():
            return [f"{where}: keys {sorted(x.keys() ^ y.keys())}"]
        return [d for k in x for d in differences(x[k], y[k], f"{where}.{k}")]
    if isinstance(x, list) and isinstance(y, list):
        if len(x) != len(y):
            return [f"{where}: {len(x)} items != {len(y)}"]
        return [d for k, (u, v) in enumerate(zip(x, y)) for d in differences(u, v, f"{where}[{k}]")]
    return [] if x == y and type(x) is type(y) else [f"{where}: {x!r} != {y!r}"]


def compare(before: Path, after: Path) -> int:
    a = [json.loads(line) for line in before.read_text().splitlines()]
    b = [json.loads(line) for line in after.read_text().splitlines()]
    bad = differences(a, b)
    for line in bad[:40]:
        print(line)
    print(f"{len(a)} answers before, {len(b)} after; {len(bad)} differences")
    return 1 if bad else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--repeat", action="store_true", help="dump each request's second answer")
    args = parser.parse_args()
    if args.compare:
        sys.exit(compare(*args.compare))
    dump(args.repeat)
