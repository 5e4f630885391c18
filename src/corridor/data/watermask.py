"""Where is open water? A 1 km global raster, packed to one bit a cell and memory-mapped.

Source: the ``global-land-mask`` package (MIT), which ships NOAA's GLOBE 30-arc-second land
mask (public domain). GLOBE marks lakes as land, so the Caspian Sea, rivers and canals are
"land" here: the network reaches them by its own curated edges, never by straightening.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from corridor.geo import EARTH_RADIUS_KM, from_unit_vectors, great_circle_points, haversine_km, to_unit_vectors

CELLS_PER_DEGREE = 120  # 30 arc-seconds


def build_water_bits(out_path: Path) -> dict:
    """Pack the package's boolean ocean mask into ``out_path`` (.npy, uint8 bitfield)."""
    from global_land_mask import globe  # imported here: it loads ~1 GB on import

    ocean = globe._mask  # (21600, 43200) bool, True = ocean, row 0 = 90N, col 0 = 180W
    if ocean.shape != (180 * CELLS_PER_DEGREE, 360 * CELLS_PER_DEGREE):
        raise RuntimeError(f"unexpected global-land-mask shape {ocean.shape}")
    np.save(out_path, np.packbits(ocean, axis=1))
    return {"rows": ocean.shape[0], "cols": ocean.shape[1], "north": float(globe._lat[0]),
            "west": float(globe._lon[0])}


class WaterMask:
    """Read-only water lookups on the packed raster (memory-mapped: loading is instant)."""

    def __init__(self, path: Path):
        self.bits = np.load(path, mmap_mode="r")
        self.rows = self.bits.shape[0]
        self.cols = self.bits.shape[1] * 8

    def is_water(self, lon, lat) -> np.ndarray:
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        r = np.clip(((90.0 - lat) * CELLS_PER_DEGREE).astype(np.int64), 0, self.rows - 1)
        c = (((lon + 180.0) % 360.0) * CELLS_PER_DEGREE).astype(np.int64) % self.cols
        byte = self.bits[r, c >> 3]
        return ((byte >> (7 - (c & 7))) & 1).astype(bool)

    def land_km_to_many(self, lon: float, lat: float, lons, lats, *, step_km: float = 0.5,
                        skip_start_km: float = 0.0) -> np.ndarray:
        """Kilometres of land on the great circles from one point to each of many points."""
        a = to_unit_vectors(lon, lat)
        b = to_unit_vectors(np.asarray(lons, float), np.asarray(lats, float)).reshape(-1, 3)
        omega = np.arccos(np.clip(b @ a, -1.0, 1.0))
        d = omega * EARTH_RADIUS_KM
        steps = np.maximum(1, np.ceil(d / step_km)).astype(int) + 1
        seg = np.repeat(np.arange(len(b)), steps)
        t = (np.arange(steps.sum()) - np.repeat(np.cumsum(steps) - steps, steps)) / (steps[seg] - 1)
        om = omega[seg]
        s = np.sin(om)
        safe = s > 1e-12
        wa = np.where(safe, np.sin((1 - t) * om) / np.where(safe, s, 1.0), 1.0 - t)
        wb = np.where(safe, np.sin(t * om) / np.where(safe, s, 1.0), t)
        plon, plat = from_unit_vectors(wa[:, None] * a + wb[:, None] * b[seg])
        land = ~self.is_water(plon, plat) & (t * d[seg] >= skip_start_km)
        return np.bincount(seg, weights=land, minlength=len(b)) * d / (steps - 1)

    def land_km_along(self, lon1, lat1, lon2, lat2, *, step_km: float = 0.5,
                      skip_start_km: float = 0.0, skip_end_km: float = 0.0) -> float:
        """Kilometres of land crossed by the great circle from point 1 to point 2.

        ``skip_start_km`` / ``skip_end_km`` ignore land next to the ends, where a port's
        coordinates commonly sit on the coast's land cell.
        """
        d = float(haversine_km(lon1, lat1, lon2, lat2))
        n = max(2, int(np.ceil(d / step_km)) + 1)
        lons, lats = great_circle_points(lon1, lat1, lon2, lat2, n)
        along = np.linspace(0.0, d, n)
        keep = (along >= skip_start_km) & (along <= d - skip_end_km)
        if not keep.any():
            return 0.0
        land = ~self.is_water(lons[keep], lats[keep])
        return float(land.sum()) * d / (n - 1)
