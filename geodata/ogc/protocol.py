"""What the API speaks: media types, CRS84, conformance classes, limits, and its refusals."""

from django.utils.functional import Promise

from rgis.errors import Refusal

JSON = "application/json"
GEOJSON = "application/geo+json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CONFORMANCE = [
    f"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{name}"
    for name in ("core", "geojson", "html", "oas30")
]
DEFAULT_LIMIT = 100
MAX_LIMIT = 10000
# Seven decimals of a degree are about a centimetre: no parcel corner moves.
COORDINATE_DECIMALS = 7
CACHE_CONTROL = "public, max-age=60"


class OgcRefusal(Refusal):
    """A request the API refuses, answered as {"code": ..., "description": ...}."""

    def __init__(self, code: str, message: str | Promise, *, status: int) -> None:
        super().__init__(message, status=status)
        self.code = code


def not_found(message: str) -> OgcRefusal:
    return OgcRefusal("NotFound", message, status=404)


def invalid(message: str) -> OgcRefusal:
    return OgcRefusal("InvalidParameterValue", message, status=400)
