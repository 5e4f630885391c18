"""Rail and road networks from the ``scgraph-data`` package (OpenStreetMap, ODbL).

scgraph-data ships each network as a Python module that builds a GeoGraph of scgraph 2
(``graph=[{neighbour: km, ...}, ...]`` and ``nodes=[[lat, lon], ...]``). Importing it would
tie corridor to that scgraph version, so the text is parsed instead: node coordinates and
adjacency only (lengths are recomputed on the sphere).
"""

from __future__ import annotations

import re
from importlib import metadata, resources
from pathlib import Path

import numpy as np

LAYERS = {"rail": "world_railways.py", "road": "world_highways.py"}
_PAIR = re.compile(r"\[(-?[\d.]+), (-?[\d.]+)\]")
_KEY = re.compile(r"(\d+):")


def source_path(layer: str) -> Path:
    return Path(str(resources.files("scgraph_data"))) / LAYERS[layer]


def source_version() -> str:
    return metadata.version("scgraph-data")


def read_layer(layer: str) -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) of every node, shape (n, 2), and undirected edges (u, v), u < v."""
    text = source_path(layer).read_text()
    g0, n0 = text.index("graph=") + len("graph="), text.index("\nnodes=")
    nodes_line = text[n0 + len("\nnodes="):text.index("\n", n0 + 1)]
    latlon = np.array(_PAIR.findall(nodes_line), dtype=np.float64)
    rows = text[g0:n0].strip()[2:-2].split("}, {")
    if len(rows) != len(latlon):
        raise RuntimeError(f"scgraph-data {layer}: {len(rows)} adjacency rows for {len(latlon)} nodes")
    counts = np.fromiter((row.count(":") for row in rows), dtype=np.int64, count=len(rows))
    heads = np.array(_KEY.findall(", ".join(rows)), dtype=np.int64)
    tails = np.repeat(np.arange(len(rows)), counts)
    pairs = np.sort(np.column_stack([tails, heads]), axis=1)
    edges = np.unique(pairs[pairs[:, 0] != pairs[:, 1]], axis=0)  # each undirected edge once, no loops
    return latlon[:, ::-1].copy(), edges
