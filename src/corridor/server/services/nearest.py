"""``GET /nearest?lat=&lon=``: the ports nearest to a point (OSRM's ``nearest``), great-circle
distance first; only ports joined to the network are listed."""

from __future__ import annotations

import numpy as np
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from corridor.geo import haversine_km
from corridor.places import port_place

router = APIRouter(tags=["nearest"])


def nearest_ports(net, lat: float, lon: float, number: int) -> list[dict]:
    """The ``number`` ports nearest to (lat, lon), each a place dict with ``distance_km``."""
    d = haversine_km(lon, lat, net.port_lon, net.port_lat)
    d[np.diff(net.port_conn_indptr) == 0] = np.inf
    order = np.argsort(d, kind="stable")[:number]
    return [dict(port_place(net, int(i)).to_dict(), distance_km=round(float(d[i]), 1))
            for i in order if np.isfinite(d[i])]


@router.get("/nearest", summary="Ports nearest to a point")
async def nearest(
    request: Request,
    lat: float = Query(ge=-90, le=90, description="latitude, decimal degrees"),
    lon: float = Query(ge=-180, le=180, description="longitude, decimal degrees"),
    number: int = Query(5, ge=1, le=50, description="how many ports"),
):
    """``{"location": {"lat", "lon"}, "ports": [place, ...]}``, each port with ``distance_km``."""
    ports = nearest_ports(request.app.state.network, lat, lon, number)
    return JSONResponse({"location": {"lat": lat, "lon": lon}, "ports": ports})
