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
    """Pack the package's boolean ocean mask into ``out_path`` (.npy, uint8 bitfield).

    The mask (21600 x 43200 bools, 933 MB unpacked) is read from the package's ``.npz`` a band
    of rows at a time, never whole: importing ``global_land_mask.globe`` would unpack it and keep
    it for the life of the process, the largest part of a first run's peak memory.
    """
    import zipfile

    shape = (180 * CELLS_PER_DEGREE, 360 * CELLS_PER_DEGREE)
    with zipfile.ZipFile(_globe_npz()) as z:
        lat, lon = (np.load(z.open(name)) for name in ("lat.npy", "lon.npy"))
        with z.open("mask.npy") as f:  # True = ocean, row 0 = 90N, col 0 = 180W
            read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                           (2, 0): np.lib.format.read_array_header_2_0}.get(np.lib.format.read_magic(f))
            if read_header is None:
                raise RuntimeError("unexpected global-land-mask file format")
            found, fortran, dtype = read_header(f)
            if found != shape or fortran or dtype != np.bool_:
                raise RuntimeError(f"unexpected global-land-mask array {found} {dtype} (Fortran order: {fortran})")
            packed = np.empty((shape[0], shape[1] // 8), np.uint8)
            for start in range(0, shape[0], _BAND_ROWS):
                rows = min(_BAND_ROWS, shape[0] - start)
                band = np.frombuffer(_read_exactly(f, rows * shape[1]), np.bool_).reshape(rows, shape[1])
                packed[start:start + rows] = np.packbits(band, axis=1)
    np.save(out_path, packed)
    return {"rows": shape[0], "cols": shape[1], "north": float(lat[0]), "west": float(lon[0])}


_BAND_ROWS = 1200  # 52 MB of the unpacked mask at a time


def _globe_npz() -> Path:
    """The ``global-land-mask`` package's compressed mask, found without importing its module."""
    from importlib.util import find_spec

    spec = find_spec("global_land_mask")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the global-land-mask package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "globe_combined_mask_compressed.npz"


def _read_exactly(f, size: int) -> bytes:
    data = f.read(size)
    if len(data) != size:
        raise RuntimeError("the global-land-mask file ends early")
    return data


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
