"""The answers of 20 sea routes and one multimodal route as JSON, to compare two checkouts or two
ways of running the kernels (issue #17: a speed change must not change an answer).

Run::

    PYTHONPATH=/path/to/main/src python bench/route_answers.py > before.json
    PYTHONPATH=src python bench/route_answers.py > after.json
    PYTHONPATH=src python bench/route_answers.py --interpreted 1000 > python.json   # kernels as Python
    cmp before.json after.json && cmp after.json python.json

The network fingerprint is left out of each answer (it changes with the loading code).
"""

from __future__ import annotations

import argparse
import json

PAIRS = [("CNSHA", "NLRTM"), ("SGSIN", "USLAX"), ("PECHY", "CNSHA"), ("DEHAM", "USNYC"), ("JPTYO", "AUSYD"),
         ("BRSSZ", "ZADUR"), ("AEJEA", "INNSA"), ("KRPUS", "USSEA"), ("GBFXT", "SGSIN"), ("ESALG", "EGPSD"),
         ("TRIST", "UAODS"), ("CNNGB", "BEANR"), ("USHOU", "MXVER"), ("CLSAI", "PABLB"), ("LKCMB", "OMSLL"),
         ("NOOSL", "ISREY"), ("MAPTM", "NGLOS"), ("CAVAN", "JPYOK"), ("AZBAK", "KZKUR"), ("VNSGN", "PHMNL"),
         ("Yerevan", "Baku")]


def _without_fingerprint(x):
    if isinstance(x, dict):
        return {k: _without_fingerprint(v) for k, v in x.items() if k != "fingerprint"}
    if isinstance(x, list):
        return [_without_fingerprint(v) for v in x]
    return x


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interpreted", type=int, default=None,
                        help="calls each interpret-first kernel runs as Python (corridor.jit.INTERPRETED_CALLS)")
    args = parser.parse_args()
    import corridor

    if args.interpreted is not None:
        from corridor import jit

        jit.INTERPRETED_CALLS = args.interpreted
    out = {}
    for a, b in PAIRS:
        try:
            out[f"{a}-{b}"] = _without_fingerprint(corridor.route(a, b).to_dict())
        except corridor.CorridorError as e:
            out[f"{a}-{b}"] = f"{type(e).__name__}: {e}"
    print(json.dumps(out, sort_keys=True, default=str))


if __name__ == "__main__":
    main()
