"""The named straits, canals, capes and inland waterways a sea route can cross.

Each passage is a set of *gates*: short lines drawn from land to land across the passage
(capes: from the continent to Antarctica). Every edge of the sea network that crosses a
gate carries the passage's bit, whatever its origin, so avoiding a passage removes every
way through it: a route cannot "round Africa a little further south". The build checks
that each gate's ends lie on land in the water mask (see ``corridor.build.sea``).

The two Arctic gates meet at the North Pole, so together they bar the whole Arctic Ocean.
Gates were drawn by the corridor developers from the coastline in the GLOBE mask.
The Kiel and Panama canals are curated lanes (``curated/sea_links.csv``) that cross their gates.
"""

from __future__ import annotations

from dataclasses import dataclass

from corridor.errors import BadInput


@dataclass(frozen=True)
class Passage:
    key: str
    name: str
    kind: str  # strait | canal | cape | inland-waterway | arctic
    gates: tuple[tuple[tuple[float, float], ...], ...]  # each gate: polyline of (lon, lat)
    aliases: tuple[str, ...] = ()
    # Closed unless the caller allows it: why, and how to allow it.
    closed_by_default: str = ""


PASSAGES: tuple[Passage, ...] = (
    Passage("panama", "Panama Canal", "canal", (((-79.75, 8.95), (-79.75, 9.35)),)),
    Passage("suez", "Suez Canal", "canal", (((32.0, 30.75), (32.7, 30.75)),)),
    Passage("bab-el-mandeb", "Bab-el-Mandeb", "strait", (((43.0, 12.3), (43.8, 12.9)),),
            aliases=("babalmandab", "bab el mandeb", "mandeb")),
    Passage("hormuz", "Strait of Hormuz", "strait", (((56.25, 26.0), (56.6, 27.2)),),
            aliases=("ormuz",)),
    Passage("malacca", "Strait of Malacca", "strait", (((98.8, 3.4), (101.3, 3.7)),)),
    Passage("sunda", "Sunda Strait", "strait", (((105.6, -5.7), (106.05, -6.15)),)),
    Passage("gibraltar", "Strait of Gibraltar", "strait", (((-5.6, 35.7), (-5.6, 36.2)),)),
    Passage("bosporus", "Bosporus", "strait", (((28.9, 41.1), (29.2, 41.1)),),
            aliases=("bosphorus", "istanbul strait")),
    Passage("dardanelles", "Dardanelles", "strait", (((26.30, 40.20), (26.47, 40.10)),),
            aliases=("canakkale",)),
    Passage("kiel", "Kiel Canal", "canal", (((9.5, 54.05), (9.5, 54.25)),), aliases=("nord-ostsee-kanal", "kiel canal")),
    Passage("magellan", "Strait of Magellan / Cape Horn", "cape", (((-69.8, -52.0), (-69.6, -53.0), (-68.6, -54.5), (-68.6, -56.0), (-68.6, -72.0)),),
            aliases=("cape-horn", "cape horn", "chili", "drake", "magellan strait")),
    Passage("good-hope", "Cape of Good Hope", "cape", (((20.0, -34.5), (20.0, -73.0)),),
            aliases=("cape", "cape of good hope", "south_africa", "south-africa", "agulhas")),
    Passage("bering", "Bering Strait", "strait", (((-169.9, 66.1), (-167.8, 65.6)),)),
    Passage("northwest", "Northwest Passage", "arctic", (((-95.0, 66.0), (-95.0, 90.0)),),
            aliases=("northwest passage", "nwp"),
            closed_by_default="ice-class only and seasonal; allow it with --allow northwest"),
    Passage("northeast", "Northern Sea Route", "arctic", (((100.0, 72.0), (100.0, 90.0)),),
            aliases=("northern sea route", "nsr", "northeast passage"),
            closed_by_default="ice-class only and seasonal; allow it with --allow northeast"),
    Passage("volga-don", "Volga–Don inland waterway", "inland-waterway", (((44.0, 47.5), (44.0, 50.0)),),
            aliases=("volga", "volga don", "volgadon", "volga-don canal"),
            closed_by_default=("the Caspian Sea reaches the Black Sea only by the Volga–Don inland "
                               "waterway, closed to seagoing ships; use --vessel river-sea")),
)

BY_KEY = {p.key: p for p in PASSAGES}
BIT = {p.key: 1 << i for i, p in enumerate(PASSAGES)}
assert len(PASSAGES) <= 32, "edge flags are uint32"


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


_LOOKUP = {}
for _p in PASSAGES:
    for _name in (_p.key, _p.name, *_p.aliases):
        _LOOKUP[_norm(_name)] = _p.key


def resolve_passage(name: str) -> str:
    """Passage key for a user-given name or alias; :class:`BadInput` lists valid names."""
    key = _LOOKUP.get(_norm(name))
    if key is None:
        valid = ", ".join(p.key for p in PASSAGES)
        raise BadInput(f"Unknown passage {name!r}. Valid passages: {valid}.")
    return key


def parse_passage_list(value) -> list[str]:
    """``"suez, good-hope"`` or an iterable of names -> list of passage keys (order kept)."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    keys: list[str] = []
    for item in items:
        if str(item).strip():
            key = resolve_passage(str(item).strip())
            if key not in keys:
                keys.append(key)
    return keys


def mask_of(keys) -> int:
    m = 0
    for k in keys:
        m |= BIT[k]
    return m


def keys_of(mask: int) -> list[str]:
    return [p.key for p in PASSAGES if mask & BIT[p.key]]
