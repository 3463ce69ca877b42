"""The Taraz demo data of the geodata app (approximate boundaries, for trying the portal)."""

import json
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry

from geodata.services import district_upsert

DEMO_DIR = Path(__file__).resolve().parent / "demo"


def demo_districts_load() -> int:
    """Load the two demo city districts; returns how many were new (0 on a second run)."""
    collection = json.loads((DEMO_DIR / "taraz_districts.geojson").read_text(encoding="utf-8"))
    created_count = 0
    for feature in collection["features"]:
        props = feature["properties"]
        _district, created = district_upsert(
            slug=props["slug"],
            name_kk=props["name_kk"],
            name_ru=props["name_ru"],
            name_en=props["name_en"],
            geometry=GEOSGeometry(json.dumps(feature["geometry"]), srid=4326),
            source="e-RGIS demo data: approximate boundaries, not the official ones",
        )
        created_count += created
    return created_count
