"""Caches of things derived from a compiled network, keyed by the network's value.

A :class:`corridor.network.Network` is a read-only view of one folder's files, so two
objects loaded from the same folder with the same manifest hold the same arrays. The caches
here key on that value (:func:`network_key`: the folder's resolved path and a hash of the
manifest, which records every file's SHA-256 and the build time, plus the flights of an air
overlay), never on the object:
a reloaded network finds what an earlier load computed, a rebuilt one does not, and no
cache holds a reference to a network, so a dropped network's arrays are freed.
"""

from __future__ import annotations

import hashlib
import json
import threading
import weakref
from collections import OrderedDict
from functools import wraps
from pathlib import Path

_KEYS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # network object -> its key, computed once


def network_key(net) -> tuple:
    """The value that identifies ``net``: its folder's resolved path and its manifest's SHA-256;
    for an air overlay (:func:`corridor.air.overlay.air_network`, the same folder with flights
    added), its base network's key, which flights and the imported routes' description."""
    key = _KEYS.get(net)
    if key is None:
        base = getattr(net, "air_base", None)
        if base is not None:
            key = (*network_key(base), net.air_which, _digest(net.air_import))
        else:
            key = (str(Path(net.path).resolve()), _digest(net.manifest))
        _KEYS[net] = key
    return key


def _digest(doc) -> str:
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def per_network(maxsize: int):
    """Decorate ``fn(net, *args)`` (``args`` hashable) to cache its result per network value
    and ``args``, least recently used first out past ``maxsize`` entries.

    The cache keeps results only (they must not refer to the network). Two threads asking
    for a missing entry may both compute it; the first stored is the one every caller gets,
    so a result is one shared object while cached."""
    def decorate(fn):
        cache: OrderedDict = OrderedDict()
        lock = threading.Lock()

        @wraps(fn)
        def cached(net, *args):
            key = (network_key(net), *args)
            with lock:
                if key in cache:
                    cache.move_to_end(key)
                    return cache[key]
            value = fn(net, *args)
            with lock:
                value = cache.setdefault(key, value)
                cache.move_to_end(key)
                while len(cache) > maxsize:
                    cache.popitem(last=False)
            return value

        def holds(net, *args) -> bool:
            return (network_key(net), *args) in cache

        def forget(net, *args) -> None:
            with lock:
                cache.pop((network_key(net), *args), None)

        cached.cache_clear = cache.clear
        cached.cache_len = cache.__len__
        cached.holds = holds  # whether a call would be answered from the cache
        cached.forget = forget  # drop one entry: its next call computes it again
        return cached
    return decorate


class HashedKey(tuple):
    """A cache key (a tuple) that computes its hash once: a key holding a costing profile
    (tens of µs to hash) is looked up by several caches per request."""

    def __hash__(self) -> int:
        try:
            return self._hash
        except AttributeError:
            self._hash = tuple.__hash__(self)
            return self._hash
