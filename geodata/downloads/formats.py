"""What may be downloaded: the formats, the coordinate systems offered, the file's name."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from geodata.models import LayerVersion
from rgis.errors import Refusal


@dataclass(frozen=True)
class DownloadFormat:
    extension: str
    content_type: str


FORMATS = {
    "gpkg": DownloadFormat("gpkg", "application/geopackage+sqlite3"),
    "shp": DownloadFormat("zip", "application/zip"),
    "geojson": DownloadFormat("geojson", "application/geo+json"),
}
# Offered besides the storage CRS: WGS 84, Web Mercator, Gauss-Krüger zone 12 (Pulkovo
# 1942, what Taraz's offices work in) and UTM 42N. The version page lists the same four.
OUTPUT_SRIDS = (4326, 3857, 28412, 32642)
GEOJSON_SRID = 4326  # RFC 7946: GeoJSON is WGS 84 longitude/latitude, nothing else


class DownloadRefused(Refusal):
    """A download this portal cannot make as asked; the message says what to ask instead."""


# The coordinate system of the file


def offered_srids() -> tuple[int, ...]:
    """The SRIDs a download may be asked in: the four offered, and the storage one."""
    storage = settings.RGIS_STORAGE_SRID
    return OUTPUT_SRIDS if storage in OUTPUT_SRIDS else (storage, *OUTPUT_SRIDS)


def default_srid(file_format: str) -> int:
    return GEOJSON_SRID if file_format == "geojson" else settings.RGIS_STORAGE_SRID


def download_srid(requested: str | None, file_format: str) -> int:
    """The SRID to write: the format's default, or the offered one `requested` names."""
    text = (requested or "").strip()
    if not text:
        return default_srid(file_format)
    authority, _colon, code = text.partition(":")
    srid = int(code) if authority.upper() == "EPSG" and code.isascii() and code.isdigit() else 0
    if srid not in offered_srids():
        raise DownloadRefused(
            _(
                "“%(crs)s” is not a coordinate system offered for downloads. "
                "Choose one of: %(allowed)s."
            )
            % {"crs": text[:50], "allowed": ", ".join(f"EPSG:{s}" for s in offered_srids())}
        )
    if file_format == "geojson" and srid != GEOJSON_SRID:
        raise DownloadRefused(
            _(
                "GeoJSON is always in WGS 84 longitude and latitude (EPSG:4326), as its "
                "standard (RFC 7946) requires. Download a GeoPackage or a shapefile to get "
                "EPSG:%(srid)s."
            )
            % {"srid": srid}
        )
    return srid


def download_filename(version: LayerVersion, file_format: str, srid: int) -> str:
    """<plan>-<layer>-v<N>[-epsg<SRID>].<ext>, the SRID only when it is not the default."""
    layer = version.layer
    stem = f"{layer.plan.slug}-{layer.slug}-v{version.number}"
    if srid != default_srid(file_format):
        stem += f"-epsg{srid}"
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", stem)  # slugs are ASCII; a header must be
    return f"{stem}.{FORMATS[file_format].extension}"
