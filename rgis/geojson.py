"""Bounding boxes and GeoJSON extents, as every public door reads and writes them.

Each door keeps its own error message (its answers are part of its contract); the rule
of what a box is lives here once.
"""

import math
from collections.abc import Iterable, Sequence
from typing import Any

Bounds = tuple[float, float, float, float]


def bbox_parse(text: str, *, allow_heights: bool = False, allow_flat: bool = False) -> Bounds:
    """`west,south,east,north` in degrees; ValueError when the text is not such a box.

    `allow_heights` accepts the six-number 3D box of OGC API Features (heights play no
    part here); `allow_flat` accepts a box whose west equals its east or south its north.
    """
    numbers = [float(part) for part in text.split(",")]
    if allow_heights and len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if len(numbers) != 4 or not all(math.isfinite(number) for number in numbers):
        raise ValueError(f"not four finite numbers: {text!r}")
    west, south, east, north = numbers
    if allow_flat:
        ordered = west <= east and south <= north
    else:
        ordered = -180 <= west < east <= 180 and -90 <= south < north <= 90
    if not ordered:
        raise ValueError(f"not a box in degrees: {text!r}")
    return west, south, east, north


def features_bounds(features: Iterable[dict[str, Any]]) -> Bounds | None:
    """The extent of GeoJSON features' coordinates; None when they have none."""
    xs: list[float] = []
    ys: list[float] = []

    def walk(coordinates: Sequence[Any]) -> None:
        if coordinates and isinstance(coordinates[0], (int, float)):
            xs.append(float(coordinates[0]))
            ys.append(float(coordinates[1]))
            return
        for part in coordinates:
            walk(part)

    def visit(geometry: dict[str, Any] | None) -> None:
        if not geometry:
            return
        if geometry.get("type") == "GeometryCollection":
            for member in geometry.get("geometries", []):
                visit(member)
        else:
            walk(geometry["coordinates"])

    for feature in features:
        visit(feature.get("geometry"))
    if not xs:
        return None
    return min(xs), min(ys), max(xs), max(ys)
