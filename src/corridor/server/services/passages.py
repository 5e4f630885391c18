"""``GET /passages``: the straits, canals, capes and waterways a route can avoid or allow."""

from __future__ import annotations

from fastapi import APIRouter

from corridor.data.passages import PASSAGES

router = APIRouter(tags=["passages"])


@router.get("/passages", summary="Passages that can be avoided or allowed")
async def passages():
    """Each passage's ``key`` (for ``avoid``/``allow``), ``name``, ``kind``, ``aliases`` and, when
    closed unless allowed, ``closed_by_default`` (why)."""
    return [{"key": p.key, "name": p.name, "kind": p.kind, "aliases": list(p.aliases),
             "closed_by_default": p.closed_by_default or None} for p in PASSAGES]
