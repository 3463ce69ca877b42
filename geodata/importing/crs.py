"""Coordinate systems: read what a file declares, parse what a planner types, never guess.

CRS definitions from files and planners are parsed by pyproj (PROJ), never by GDAL's OSR:
see the note on GDAL < 3.9 in rgis/settings/base.py.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from geodata.crs import transformer_between
from geodata.importing.errors import ImportRejected

# Offered when a file has no .prj (DOMAIN.md: what Kazakh offices send).
CRS_CHOICES = (
    ("EPSG:28412", _("Pulkovo 1942 / Gauss-Krüger zone 12, with zone prefix (EPSG:28412)")),
    ("EPSG:28472", _("Pulkovo 1942 / Gauss-Krüger zone 12, no prefix (EPSG:28472)")),
    ("EPSG:32642", _("WGS 84 / UTM zone 42N (EPSG:32642)")),
    ("EPSG:4326", _("WGS 84, degrees (EPSG:4326)")),
    ("EPSG:3857", _("Web Mercator (EPSG:3857)")),
)
# Longitude/latitude box of Kazakhstan, to warn when coordinates land elsewhere.
KAZAKHSTAN_BOUNDS = (46.4, 40.5, 87.4, 55.5)


def crs_parse(text: str) -> CRS:
    """An EPSG code, a PROJ string or WKT (ESRI's too) as a CRS, or a clear refusal."""
    text = (text or "").strip()
    if not text:
        raise ImportRejected(_("Choose a coordinate system or type a PROJ string."))
    try:
        crs = CRS.from_user_input(text)
    except CRSError:
        raise ImportRejected(
            _(
                "“%(text)s” is not a coordinate system PROJ understands. Give an EPSG code "
                "(EPSG:28412) or a PROJ string (+proj=tmerc +lat_0=0 +lon_0=69 ...)."
            )
            % {"text": text[:200]}
        ) from None
    if crs.is_vertical or not (crs.is_projected or crs.is_geographic):
        raise ImportRejected(
            _("“%(text)s” is not a horizontal coordinate system.") % {"text": text[:200]}
        )
    return crs


def crs_label(crs: CRS) -> str:
    """EPSG:NNNN when the CRS is a known one, otherwise its PROJ string."""
    code = crs.to_epsg(min_confidence=90)
    if code:
        return f"EPSG:{code}"
    return crs.to_proj4() or crs.to_wkt()


def storage_crs() -> CRS:
    return CRS.from_epsg(settings.RGIS_STORAGE_SRID)


def crs_transformer(source: CRS, target_epsg: int) -> Transformer:
    """Source CRS to an EPSG one, with the Kazakhstan datum shift for Pulkovo 1942."""
    return transformer_between(source, CRS.from_epsg(target_epsg))


def storage_transformer(source: CRS) -> Transformer:
    return crs_transformer(source, settings.RGIS_STORAGE_SRID)


def krassowsky_without_shift(crs: CRS) -> bool:
    """A local system on the Krassowsky ellipsoid with no datum shift: PROJ can only place
    it roughly (tens of metres off), so the planner should add +towgs84."""
    ellipsoid = crs.ellipsoid
    datum = crs.datum
    if ellipsoid is None or "krass" not in ellipsoid.name.lower():
        return False
    if datum is not None and "pulkovo" in datum.name.lower():
        return False
    return "towgs84" not in (crs.to_proj4() or "")


def outside_kazakhstan(bounds_lonlat: tuple[float, float, float, float]) -> bool:
    west, south, east, north = bounds_lonlat
    k_west, k_south, k_east, k_north = KAZAKHSTAN_BOUNDS
    return west < k_west or east > k_east or south < k_south or north > k_north
