"""The Python API with the geo ecosystem: Route.__geo_interface__ for geopandas, Route.geometry for
shapely, Route.legs_frame(), Matrix.to_pandas() and Matrix.to_arrow()."""

from __future__ import annotations

import builtins
import math
import re

import numpy as np
import pytest

import corridor
from corridor.engine.table import matrix
from corridor.errors import BadInput

geopandas = pytest.importorskip("geopandas")
shapely_geometry = pytest.importorskip("shapely.geometry")


@pytest.fixture(scope="module")
def land_route(net):
    return corridor.route("Yerevan", "Baku")  # the session network is the cached one it loads


@pytest.fixture(scope="module")
def table(net):
    return matrix(["NLRTM", "CNSHA", "AZBAK"], ["CNSHA", "SGSIN"], network=net, threads=1)


def test_geodataframe_from_route_has_one_row_per_leg_then_the_ends(land_route):
    frame = geopandas.GeoDataFrame.from_features(land_route)
    assert len(frame) == len(land_route.legs) + 2
    assert list(frame["mode"][:len(land_route.legs)]) == [leg.mode for leg in land_route.legs]
    assert list(frame["role"][-2:]) == ["origin", "destination"]
    assert frame["distance_km"][:len(land_route.legs)].sum() == pytest.approx(land_route.distance_km, abs=0.5)


def test_to_geodataframe_is_the_same_rows_with_a_crs(land_route):
    frame = land_route.to_geodataframe()
    assert frame.crs.to_epsg() == 4326
    assert list(frame["mode"][:len(land_route.legs)]) == [leg.mode for leg in land_route.legs]
    ends = frame.geometry[-2:]
    assert [(round(g.x, 6), round(g.y, 6)) for g in ends] == \
        [(round(p.lon, 6), round(p.lat, 6)) for p in (land_route.origin, land_route.destination)]


def test_the_text_table_gives_nautical_miles_only_on_water(capsys):
    from corridor.commands.route import print_table

    r = corridor.route("Tbilisi", "Constanta")  # rail to Poti, then by sea
    print_table(r)
    lines = capsys.readouterr().out.splitlines()
    header = re.split(r"\s{2,}", lines[1].strip())
    nmi = header.index("nmi (water)")
    legs = [re.split(r"\s{2,}", line.strip()) for line in lines[3:3 + len(r.legs)]]
    modes = [cells[0] for cells in legs]
    assert modes == [leg.mode for leg in r.legs] and "sea" in modes and "rail" in modes
    for cells, leg in zip(legs, r.to_dict()["legs"]):
        assert (cells[nmi] == "-") == (leg["mode"] not in ("sea", "ferry")), cells
    water = sum(leg["distance_nmi"] for leg in r.to_dict()["legs"] if leg["mode"] in ("sea", "ferry"))
    total = re.split(r"\s{2,}", next(line for line in lines if line.startswith("total")).strip())
    assert total[2] == f"{water:,.0f}"


def test_shape_of_route_geometry_is_the_whole_line(land_route):
    line = shapely_geometry.shape(land_route.geometry)
    assert line.geom_type == "MultiLineString" and not line.is_empty
    o, d = land_route.origin, land_route.destination
    minx, miny, maxx, maxy = line.bounds
    assert minx - 1 < min(o.lon, d.lon) and max(o.lon, d.lon) < maxx + 1
    assert miny - 1 < min(o.lat, d.lat) and max(o.lat, d.lat) < maxy + 1


def test_geojson_coordinates_have_six_decimals_at_most(land_route):
    def numbers(geometry):
        stack = [geometry["coordinates"]]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack += item
            else:
                yield item

    features = land_route.__geo_interface__["features"]
    coords = [x for f in features for x in numbers(f["geometry"])]
    assert coords and all(round(x, 6) == x for x in coords)
    for leg, feature in zip(land_route.legs, features):  # rounded to the nearest, not cut short
        if leg.mode != "transfer":
            flat = [x for part in leg.geometry for point in part for x in point]
            assert list(numbers(feature["geometry"]))[::-1] == pytest.approx(flat, abs=0.5e-6 + 1e-12)


def test_legs_frame_lists_the_legs_with_their_figures(land_route):
    frame = land_route.legs_frame()
    assert list(frame["mode"]) == [leg.mode for leg in land_route.legs]
    assert frame["duration_h"].sum() == pytest.approx(land_route.duration_h)
    assert frame["cost_usd"].sum() == pytest.approx(land_route.cost_usd)
    assert frame["co2e_kg"].sum() == pytest.approx(land_route.co2e_kg)
    borders = [leg.border.name for leg in land_route.legs if leg.border is not None]
    assert frame["border"].dropna().tolist() == borders and borders


def test_legs_frame_without_pandas_says_what_to_install(land_route, monkeypatch):
    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    monkeypatch.delitem(__import__("sys").modules, "pandas")
    with pytest.raises(BadInput, match="pip install pandas"):
        land_route.legs_frame()


def test_matrix_to_pandas_is_the_table_in_long_form(table):
    frame = table.to_pandas()
    assert len(frame) == 3 * 2
    square = frame.pivot(index="row", columns="column", values="distance_km").to_numpy()
    np.testing.assert_array_equal(square, table.distance_km)
    row = frame[(frame["origin_code"] == "NLRTM") & (frame["destination_code"] == "SGSIN")].iloc[0]
    assert row["duration_h"] == table.duration_h[0, 1]


def test_matrix_to_arrow_has_nulls_where_no_route(table):
    arrow = table.to_arrow()
    assert arrow.num_rows == 6
    km = arrow.column("distance_km").to_pylist()
    expected = [None if math.isnan(x) else x for x in table.distance_km.ravel()]
    assert km == expected
    assert arrow.column("distance_km").null_count == int(np.isnan(table.distance_km).sum()) > 0  # Baku: Caspian
