"""Features as the API's HTML pages show them: one column per attribute, a row a feature."""

from typing import Any

from geodata.fields import in_file_order


def feature_columns(features: list[dict[str, Any]], file_order: list[str]) -> list[str]:
    """Attribute names of the features, in the file's order, then any others."""
    return in_file_order((name for f in features for name in f["properties"]), file_order)


def feature_row(feature: dict[str, Any], columns: list[str]) -> dict[str, Any]:
    """A feature as the HTML tables show it."""
    properties = feature["properties"]
    return {
        "id": feature["id"],
        "cells": [properties.get(name) for name in columns],
        "attributes": [(name, properties.get(name)) for name in columns],
        "geometry_type": (feature["geometry"] or {}).get("type"),
    }
