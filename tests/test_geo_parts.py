"""geo's number-only forms (a new request's legs are built on them) give what the list and numpy
forms give: a line's parts as arrays are split_antimeridian's lists, one pair's distance by the
math module is haversine_km's."""

from __future__ import annotations

import numpy as np
import pytest

from corridor.geo import antimeridian_parts, haversine_km, haversine_km_one, split_antimeridian

LINES = [
    ([], []),
    ([10.0], [5.0]),
    ([170.0, 179.0, -179.0, -170.0], [10.0, 11.0, 12.0, 13.0]),  # east across the antimeridian
    ([-170.0, 179.5, 170.0, -175.0, 160.0], [-5.0, -4.0, -3.0, -2.0, -1.0]),  # west, back east, west again
    ([179.0, 180.0, -180.0, -179.0], [0.0, 1.0, 2.0, 3.0]),  # through +180 and -180 themselves
    ([-10.0, 0.0, 10.0, 20.0], [50.0, 51.0, 52.0, 53.0]),  # no crossing: one part
]


@pytest.mark.parametrize("lons, lats", LINES)
def test_a_lines_parts_as_arrays_are_its_parts_as_lists(lons, lats):
    parts = antimeridian_parts(lons, lats)
    assert all(part.dtype == np.float64 and part.ndim == 2 and part.shape[1] == 2 and part.flags.c_contiguous
               for part in parts)
    assert [part.tolist() for part in parts] == split_antimeridian(lons, lats)
    assert all(-180.0 <= x <= 180.0 for part in parts for x in part[:, 0])
    if len(lons) >= 2:  # every given point is drawn, in order
        drawn = [tuple(p) for part in parts for p in part.tolist()]
        given = iter(drawn)
        assert all(any(q == p for q in given) for p in zip(lons, lats))


def test_one_pairs_distance_is_haversine_km():
    rng = np.random.default_rng(17)
    lon1, lon2 = rng.uniform(-180, 180, (2, 500))
    lat1, lat2 = rng.uniform(-90, 90, (2, 500))
    vectorised = haversine_km(lon1, lat1, lon2, lat2)
    one = [haversine_km_one(*p) for p in zip(lon1.tolist(), lat1.tolist(), lon2.tolist(), lat2.tolist())]
    assert np.allclose(one, vectorised, rtol=1e-12, atol=1e-9)
    assert haversine_km_one(10.0, 20.0, 10.0, 20.0) == 0.0
    assert haversine_km_one(0.0, 0.0, 180.0, 0.0) == pytest.approx(float(haversine_km(0.0, 0.0, 180.0, 0.0)))
