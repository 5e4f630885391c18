"""A route as KML 2.2 (Google Earth, QGIS): one Placemark per leg with its figures as
ExtendedData, lines for moving legs and points for transfers, then the origin and destination.
Coordinates are those of the GeoJSON export (6 decimals, longitudes in [-180, 180])."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from corridor.export.legs_table import FIELDS, leg_rows
from corridor.export.mapdraw import COLOURS

NS = "http://www.opengis.net/kml/2.2"


def _abgr(rgb: str) -> str:
    """KML colour aabbggrr from "#rrggbb" (opaque)."""
    return f"ff{rgb[5:7]}{rgb[3:5]}{rgb[1:3]}"


def _coords(points) -> str:
    return " ".join(f"{lon},{lat}" for lon, lat in points)


def _text(parent: ET.Element, tag: str, text) -> ET.Element:
    el = ET.SubElement(parent, tag)
    el.text = str(text)
    return el


def to_kml(route) -> str:
    """The route as a KML document (UTF-8 XML text).

    Parameters
    ----------
    route : corridor.Route
        The route to export.

    Returns
    -------
    str
        ``<kml>`` with a Document holding one Style per mode, a "legs" Folder (a Placemark per
        leg: ``MultiGeometry`` of ``LineString`` for a moving leg, ``Point`` for a transfer, every
        field of the CSV export as ``ExtendedData``) and a "places" Folder (origin, destination).
    """
    ET.register_namespace("", NS)
    q = f"{{{NS}}}"
    kml = ET.Element(f"{q}kml")
    doc = ET.SubElement(kml, f"{q}Document")
    _text(doc, f"{q}name", f"{route.origin.label} → {route.destination.label}")
    _text(doc, f"{q}description", f"{route.distance_km:,.0f} km, {route.duration_h:,.1f} h; passages: "
                                  f"{', '.join(route.passages) or 'none'}; made by corridor")
    for mode, colour in COLOURS.items():
        style = ET.SubElement(doc, f"{q}Style", id=f"mode-{mode}")
        line = ET.SubElement(style, f"{q}LineStyle")
        _text(line, f"{q}color", _abgr(colour))
        _text(line, f"{q}width", 3)
    legs = ET.SubElement(doc, f"{q}Folder")
    _text(legs, f"{q}name", "legs")
    features = route.to_geojson()["features"]
    for row, feature in zip(leg_rows(route), features):
        mark = ET.SubElement(legs, f"{q}Placemark")
        _text(mark, f"{q}name", f"{row['mode']}: {row['from']} → {row['to']}")
        _text(mark, f"{q}styleUrl", f"#mode-{row['mode']}")
        data = ET.SubElement(mark, f"{q}ExtendedData")
        for key in FIELDS:
            if row[key] is not None:
                _text(ET.SubElement(data, f"{q}Data", name=key), f"{q}value", row[key])
        geometry = feature["geometry"]
        if geometry["type"] == "Point":
            _text(ET.SubElement(mark, f"{q}Point"), f"{q}coordinates", _coords([geometry["coordinates"]]))
        else:
            multi = ET.SubElement(mark, f"{q}MultiGeometry")
            for part in geometry["coordinates"]:
                line = ET.SubElement(multi, f"{q}LineString")
                _text(line, f"{q}tessellate", 1)
                _text(line, f"{q}coordinates", _coords(part))
    places = ET.SubElement(doc, f"{q}Folder")
    _text(places, f"{q}name", "places")
    for feature in features[len(route.legs):]:
        props = feature["properties"]
        mark = ET.SubElement(places, f"{q}Placemark")
        _text(mark, f"{q}name", f"{props['role']}: {props['name']}")
        _text(ET.SubElement(mark, f"{q}Point"), f"{q}coordinates", _coords([feature["geometry"]["coordinates"]]))
    ET.indent(kml)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="unicode") + "\n"
