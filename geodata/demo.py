"""The Taraz demo data of the geodata app: districts, the master plan's zoning, one ПДП.

Plan layers go through the import core exactly as a planner's upload does (a generated
office-style shapefile: cp1251, no .cpg, Pulkovo 1942). Running it again adds nothing.
"""

import datetime
import json
import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
from django.contrib.gis.geos import GEOSGeometry
from django.db import transaction

from geodata.importing.core import ImportOptions
from geodata.models import Layer, Plan
from geodata.samples import TARAZ_GK12, parcel_grid, shapefile_zip, zoning_grid
from geodata.services import (
    district_upsert,
    layer_file_import,
    layer_get_or_create,
    layer_style_set,
    plan_get_or_create,
)

DEMO_DIR = Path(__file__).resolve().parent / "demo"
# Conventional zoning colours: housing yellow/orange, public red, industry grey, parks green.
ZONE_COLOURS = {
    "Ж-1": "#f6d55c",
    "Ж-2": "#ed9b40",
    "О-1": "#d1495b",
    "П-1": "#8d8d8d",
    "Р-1": "#66a182",
}
# The ПДП lies in a micro-district about 3 km north-east of the centre.
PDP_CENTRE = (TARAZ_GK12[0] + 3000.0, TARAZ_GK12[1] + 2500.0)


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


def _import_once(
    layer: Layer, frame: gpd.GeoDataFrame, filename: str, encoding: str = "cp1251"
) -> bool:
    """Import a generated file into the layer unless it already has a version."""
    if layer.versions.exists():
        return False
    with tempfile.TemporaryDirectory(prefix="rgis-demo-") as workdir:
        archive = shapefile_zip(
            frame, Path(workdir) / filename, folder=Path(filename).stem, encoding=encoding
        )
        layer_file_import(
            upload=archive,
            original_name=filename,
            target=layer,
            options=ImportOptions(),
            user=None,
            commit=True,
            publish=True,  # the demo's own generated data: nothing personal in it
            publisher_name="demo data",
        )
    return True


def _demo_plan(*, slug: str, kind: str, name_kk: str, name_ru: str, **details: Any) -> Plan:
    """The demo plan with this code; a new one gets `details` (English name, status, ...)."""
    plan, created = plan_get_or_create(slug=slug, kind=kind, name_kk=name_kk, name_ru=name_ru)
    if created:
        for field, value in details.items():
            setattr(plan, field, value)
        plan.full_clean()
        plan.save()
    return plan


@transaction.atomic
def demo_plans_load() -> int:
    """The master plan to 2040 with its zoning and the Сәулет ПДП with parcels."""
    master = _demo_plan(
        slug="taraz-master-plan-2040",
        kind=Plan.Kind.MASTER_PLAN,
        name_kk="Тараз қаласының 2040 жылға дейінгі бас жоспары (демо)",
        name_ru="Генеральный план города Тараз до 2040 года (демо)",
        name_en="Taraz master plan to 2040 (demo)",
        status=Plan.Status.APPROVED,
        approval_body="Қазақстан Республикасының Үкіметі / Правительство РК",
        approval_number="44",
        approval_date=datetime.date(2024, 1, 29),
    )
    zoning, _ = layer_get_or_create(
        plan=master,
        slug="zoning",
        kind=Layer.Kind.FUNCTIONAL_ZONES,
        name_kk="Функционалдық аймақтар",
        name_ru="Функциональное зонирование",
    )
    pdp = _demo_plan(
        slug="saulet-pdp",
        kind=Plan.Kind.DETAILED_PLAN,
        name_kk="«Сәулет» шағын ауданының ЕЖЖ (демо)",
        name_ru="ПДП микрорайона «Сәулет» (демо)",
        name_en="Detailed plan of the Saulet micro-district (demo)",
        status=Plan.Status.PUBLIC_DISCUSSION,
    )
    parcels, _ = layer_get_or_create(
        plan=pdp,
        slug="parcels",
        kind=Layer.Kind.PARCELS,
        name_kk="Жер учаскелері",
        name_ru="Земельные участки",
    )
    # The zoning names are in Kazakh too: that office writes kz1048 (still no .cpg).
    for layer, attribute in ((zoning, "ZONE_CODE"), (parcels, "ZONA")):
        if not layer.style_attribute:
            layer_style_set(layer=layer, attribute=attribute, colours=ZONE_COLOURS)
    imported = int(_import_once(zoning, zoning_grid(), "Генплан зонирование.zip", "kz1048"))
    imported += _import_once(
        parcels, parcel_grid(400, invalid_every=40, centre=PDP_CENTRE), "ПДП Сәулет участки.zip"
    )
    return int(imported)
