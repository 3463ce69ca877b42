"""Test data of the parcel registry: parcels layers imported through the real cores."""

from pathlib import Path

import geopandas as gpd
import shapely
from django.apps import apps

from geodata.demo import PDP_CENTRE
from geodata.models import Layer, LayerVersion
from geodata.samples import shapefile_zip
from geodata.services import layer_get_or_create, plan_get_or_create
from parcels.importing.core import parcels_import_from_version
from parcels.importing.mapping import ColumnMapping
from parcels.models import LandPurpose, Settlement
from tests.geodata.files import file_import

CELL = 30.0  # metres between parcel corners; each parcel is 27 m x 27 m = 0.0729 ha


def settlement_make(slug: str = "taraz") -> Settlement:
    """Taraz, or another settlement named by its code in every language."""
    names = (
        {"name_kk": "Тараз", "name_ru": "Тараз", "name_en": "Taraz"}
        if slug == "taraz"
        else {"name_kk": slug.title(), "name_ru": slug.title(), "name_en": slug.title()}
    )
    return apps.get_model("parcels", "Settlement").objects.get_or_create(slug=slug, defaults=names)[
        0
    ]


def purpose(code: str = "izhs") -> LandPurpose:
    return LandPurpose.objects.get(code=code)


def square(index: int, *, shift: float = 0.0) -> shapely.Polygon:
    x = PDP_CENTRE[0] + (index % 10) * CELL + shift
    y = PDP_CENTRE[1] + (index // 10) * CELL
    return shapely.box(x, y, x + CELL * 0.9, y + CELL * 0.9)


def parcels_frame(rows: list[dict], *, shift: float = 0.0) -> gpd.GeoDataFrame:
    """Parcels in Gauss-Krüger zone 12 as an office sends them: one dict of attributes a row;
    a row with "geometry": None has no boundary."""
    geometries = [
        row.pop("geometry") if "geometry" in row else square(index, shift=shift)
        for index, row in enumerate(rows)
    ]
    return gpd.GeoDataFrame(rows, geometry=geometries, crs="EPSG:28412")


def parcels_layer(slug: str = "parcels", plan: str = "test-pdp") -> Layer:
    plan_row, _created = plan_get_or_create(slug=plan, name_kk="Сынақ ЕЖЖ", name_ru="Тестовый ПДП")
    return layer_get_or_create(
        plan=plan_row, slug=slug, kind=Layer.Kind.PARCELS, name_kk="Учаскелер", name_ru="Участки"
    )[0]


def version_make(
    tmp_path: Path, rows: list[dict], *, layer: Layer | None = None, shift: float = 0.0
) -> LayerVersion:
    """A new version of a parcels layer holding these rows (UTF-8 shapefile with its .cpg)."""
    layer = layer or parcels_layer()
    name = f"parcels-{layer.versions.count() + 1}.zip"
    archive = shapefile_zip(
        parcels_frame(rows, shift=shift), tmp_path / name, encoding="utf-8", keep_cpg=True
    )
    report = file_import(archive, layer)
    return LayerVersion.objects.get(pk=report["version_id"])


def rows_of(count: int, start: int = 0) -> list[dict]:
    """Good rows: numbers 06-097-001-NNN, addresses in both languages, area, purpose."""
    return [
        {
            "KAD_NOMER": f"06-097-001-{index:03d}",
            "ADRES_KZ": f"Тараз қ., Төле би к-сі, {index + 1}",
            "ADRES_RU": f"г. Тараз, ул. Толе би, {index + 1}",
            "PLOSHAD": 0.1,
            "NAZNACH": "ИЖС",
        }
        for index in range(start, start + count)
    ]


MAPPING = ColumnMapping(
    cadastral_number="KAD_NOMER",
    address_kk="ADRES_KZ",
    address_ru="ADRES_RU",
    area_ha="PLOSHAD",
    purpose="NAZNACH",
)


def registry_import(version: LayerVersion, **kwargs):
    """The version's parcels in the Taraz registry, committed."""
    options = {
        "mapping": MAPPING,
        "settlement": settlement_make(),
        "purpose": None,
        "actor": None,
        "commit": True,
        **kwargs,
    }
    return parcels_import_from_version(version=version, **options)
