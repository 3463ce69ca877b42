"""OGC API – Features, Part 1: Core, over the published layers (for QGIS, GDAL, OWSLib).

A collection is the current version of a layer of a plan that is not archived; its id is
the layer's public id "<plan>.<layer>". Features are served in CRS84 as GeoJSON, each with
its fid as "id" and every uploaded attribute as a property (in the order of the file).
A page of features is made by PostgreSQL in one statement, as JSON text that Python only
wraps: neither GEOS nor the json module touches a feature on its way out.
"""

import functools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.gis.geos import LineString, Polygon
from django.db import connections, router, transaction
from django.db.utils import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from geodata.models import Feature, Layer, LayerVersion
from geodata.selectors import (
    in_file_order,
    layer_public_id,
    published_layer_get,
    published_layers,
    version_public_field_order,
)
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
STATEMENT_TIMEOUT_MS = 5000
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE when statement_timeout trips
CACHE_CONTROL = "public, max-age=60"
ITEMS_PARAMETERS = frozenset({"f", "bbox", "bbox-crs", "crs", "limit", "offset"})


class OgcRefusal(Refusal):
    """A request the API refuses, answered as {"code": ..., "description": ...}."""

    def __init__(self, code: str, message: str | Promise, *, status: int) -> None:
        super().__init__(message, status=status)
        self.code = code


def _not_found(message: str) -> OgcRefusal:
    return OgcRefusal("NotFound", message, status=404)


def _invalid(message: str) -> OgcRefusal:
    return OgcRefusal("InvalidParameterValue", message, status=400)


def ogc_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET only, refusals as JSON errors, cacheable by proxies, readable from any origin."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            if request.method not in ("GET", "HEAD"):
                raise OgcRefusal(
                    "MethodNotAllowed", _("This API only answers GET requests."), status=405
                )
            response = view(request, *args, **kwargs)
        except OgcRefusal as refusal:
            response = JsonResponse(
                {"code": refusal.code, "description": str(refusal.message)},
                status=refusal.status,
                json_dumps_params={"ensure_ascii": False},
            )
            if refusal.status == 405:
                response["Allow"] = "GET, HEAD"
            if refusal.status == 503:
                response["Retry-After"] = "5"
        else:
            response["Cache-Control"] = CACHE_CONTROL
        if not response.get("Content-Type", "").startswith(HTML):
            response["Access-Control-Allow-Origin"] = "*"
        patch_vary_headers(response, ["Accept"])
        return response

    return wrapper


# Content negotiation: ?f= wins, then the Accept header; JSON unless HTML is preferred.


def _wants_html(request: HttpRequest, json_types: tuple[str, ...] = (JSON, GEOJSON)) -> bool:
    requested = request.GET.get("f")
    if requested is not None:
        if requested not in ("json", "html"):
            raise _invalid(_("The parameter f must be “json” or “html”."))
        return requested == "html"
    # JSON types come first: a client sending */* (OWSLib, curl) gets JSON.
    return request.get_preferred_type([*json_types, HTML]) == HTML


def _url(request: HttpRequest, name: str, *args: Any, **query: Any) -> str:
    path = reverse(f"ogc:{name}", args=args)
    parameters = {key: value for key, value in query.items() if value is not None}
    return request.build_absolute_uri(path + (f"?{urlencode(parameters)}" if parameters else ""))


def _link(href: str, rel: str, media_type: str, title: str) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": media_type, "title": title}


def _self_links(
    request: HttpRequest, name: str, *args: Any, json_type: str = JSON, **query: Any
) -> list[dict[str, str]]:
    """self and alternate links of a resource, for whichever format was asked."""
    as_json = _link(
        _url(request, name, *args, f="json", **query), "self", json_type, _("This document")
    )
    as_html = _link(
        _url(request, name, *args, f="html", **query),
        "alternate",
        HTML,
        _("This document as HTML"),
    )
    if _wants_html(request):
        as_json["rel"], as_html["rel"] = "alternate", "self"
        as_json["title"], as_html["title"] = _("This document as JSON"), _("This document")
    return [as_json, as_html]


def _json(document: dict, media_type: str = JSON) -> JsonResponse:
    return JsonResponse(
        document, content_type=media_type, json_dumps_params={"ensure_ascii": False}
    )


# Landing page, conformance and API definition


@ogc_endpoint
def landing(request: HttpRequest) -> HttpResponse:
    document = {
        "title": _("e-RGIS %(city)s: urban plans") % {"city": settings.RGIS_CITY_NAME},
        "description": _(
            "The master plan and detailed plans of %(city)s as OGC API – Features: the "
            "current version of every published layer, as GeoJSON in WGS 84 (CRS84)."
        )
        % {"city": settings.RGIS_CITY_NAME},
        "links": [
            *_self_links(request, "landing"),
            _link(_url(request, "api", f="json"), "service-desc", OPENAPI, _("The API definition")),
            _link(_url(request, "api", f="html"), "service-doc", HTML, _("The API documentation")),
            _link(
                _url(request, "conformance", f="json"),
                "conformance",
                JSON,
                _("The standards this API conforms to"),
            ),
            _link(_url(request, "collections", f="json"), "data", JSON, _("The layers")),
        ],
    }
    if _wants_html(request):
        return render(request, "geodata/ogc/landing.html", {"document": document})
    return _json(document)


@ogc_endpoint
def conformance(request: HttpRequest) -> HttpResponse:
    document = {"conformsTo": CONFORMANCE, "links": _self_links(request, "conformance")}
    if _wants_html(request):
        return render(request, "geodata/ogc/conformance.html", {"document": document})
    return _json(document)


@ogc_endpoint
def api(request: HttpRequest) -> HttpResponse:
    ids = [layer_public_id(layer) for layer in published_layers()]
    document = openapi_document(request.build_absolute_uri(reverse("ogc:landing")), ids)
    if _wants_html(request, (OPENAPI, JSON)):
        context = {"document": document, "operations": _documented_operations(document)}
        return render(request, "geodata/ogc/api.html", context)
    return _json(document, OPENAPI)


def _documented_operations(document: dict) -> list[dict]:
    """The API definition's operations with their parameters resolved, for the HTML page."""
    server = document["servers"][0]["url"]
    shared = document["components"]["parameters"]
    operations = []
    for path, item in document["paths"].items():
        operation = item["get"]
        parameters = [
            shared[parameter["$ref"].rsplit("/", 1)[1]] if "$ref" in parameter else parameter
            for parameter in operation["parameters"]
        ]
        operations.append(
            {"address": server + path, "summary": operation["summary"], "parameters": parameters}
        )
    return operations


# Collections


def crs84_bbox(extent: Polygon) -> list[float]:
    """[minx, miny, maxx, maxy] in CRS84 around an extent stored in any SRID."""
    if extent.srid == 4326:
        bounds = extent.extent
    else:
        # A projected rectangle's edges bend in degrees: follow them, not the corners only.
        xmin, ymin, xmax, ymax = extent.extent
        steps = [i / 16 for i in range(17)]
        edges = [(xmin + (xmax - xmin) * t, ymin) for t in steps]
        edges += [(xmax, ymin + (ymax - ymin) * t) for t in steps]
        edges += [(xmax - (xmax - xmin) * t, ymax) for t in steps]
        edges += [(xmin, ymax - (ymax - ymin) * t) for t in steps]
        bounds = LineString(edges, srid=extent.srid).transform(4326, clone=True).extent
    # Rounded outwards, so that the box still holds every feature.
    scale = 10**COORDINATE_DECIMALS
    west, south, east, north = bounds
    return [
        math.floor(west * scale) / scale,
        math.floor(south * scale) / scale,
        math.ceil(east * scale) / scale,
        math.ceil(north * scale) / scale,
    ]


def storage_crs() -> str:
    srid = settings.RGIS_STORAGE_SRID
    # PostGIS keeps EPSG:4326 as longitude, latitude: that is CRS84's axis order.
    return CRS84 if srid == 4326 else f"http://www.opengis.net/def/crs/EPSG/0/{srid}"


def _collection_document(request: HttpRequest, layer: Layer, version: LayerVersion) -> dict:
    public_id = layer_public_id(layer)
    plan = layer.plan
    description = ngettext(
        "Layer “%(kind)s” of the plan “%(plan)s”, version %(number)s: %(count)s feature.",
        "Layer “%(kind)s” of the plan “%(plan)s”, version %(number)s: %(count)s features.",
        version.feature_count,
    ) % {
        "kind": layer.get_kind_display(),
        "plan": plan.name,
        "number": version.number,
        "count": version.feature_count,
    }
    if plan.is_draft:
        description += " " + _("(draft)")
    document: dict[str, Any] = {
        "id": public_id,
        "title": f"{layer.name} — {plan.name}",
        "description": description,
        "links": [
            *_self_links(request, "collection", public_id),
            _link(
                _url(request, "items", public_id, f="json"),
                "items",
                GEOJSON,
                _("The features as GeoJSON"),
            ),
            _link(
                _url(request, "items", public_id, f="html"),
                "items",
                HTML,
                _("The features as a table"),
            ),
        ],
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": storage_crs(),
    }
    if version.extent is not None:
        document["extent"] = {"spatial": {"bbox": [crs84_bbox(version.extent)], "crs": CRS84}}
    return document


def _published(collection_id: str) -> tuple[Layer, LayerVersion]:
    try:
        return published_layer_get(collection_id)
    except Layer.DoesNotExist:
        raise _not_found(
            _("There is no published layer “%(id)s”.") % {"id": collection_id}
        ) from None


@ogc_endpoint
def collections(request: HttpRequest) -> HttpResponse:
    listed = [
        _collection_document(request, layer, layer.current_versions[0])  # type: ignore[attr-defined]
        for layer in published_layers()
    ]
    document = {"links": _self_links(request, "collections"), "collections": listed}
    if _wants_html(request):
        return render(request, "geodata/ogc/collections.html", {"document": document})
    return _json(document)


@ogc_endpoint
def collection(request: HttpRequest, collection_id: str) -> HttpResponse:
    layer, version = _published(collection_id)
    document = _collection_document(request, layer, version)
    if _wants_html(request):
        context = {"document": document, "layer": layer, "plan": layer.plan, "version": version}
        return render(request, "geodata/ogc/collection.html", context)
    return _json(document)


# Features


@dataclass(frozen=True)
class ItemsQuery:
    """The validated parameters of /items."""

    limit: int
    offset: int
    bbox: tuple[float, float, float, float] | None
    bbox_text: str | None  # as the client wrote it, for the paging links


def _non_negative_int(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise _invalid(_("The parameter %(name)s must be a whole number.") % {"name": name})
    return value


def _crs84_only(request: HttpRequest) -> None:
    for name in ("crs", "bbox-crs"):
        value = request.GET.get(name)
        if value is not None and value != CRS84:
            raise _invalid(
                _("Only CRS84 is offered: the parameter %(name)s must be %(crs)s.")
                % {"name": name, "crs": CRS84}
            )


def items_query_parse(request: HttpRequest) -> ItemsQuery:
    """The items parameters, or an InvalidParameterValue refusal a client can act on."""
    unknown = sorted(set(request.GET) - ITEMS_PARAMETERS)
    if unknown:
        raise _invalid(
            _("Unknown parameter: %(names)s. Use bbox, limit, offset or f.")
            % {"names": ", ".join(unknown)}
        )
    _crs84_only(request)
    limit = _non_negative_int(request, "limit", DEFAULT_LIMIT)
    if limit < 1:
        raise _invalid(_("The parameter limit must be at least 1."))
    # The standard: a limit over the maximum is served as the maximum, not refused.
    limit = min(limit, MAX_LIMIT)
    offset = _non_negative_int(request, "offset", 0)
    bbox_text = request.GET.get("bbox")
    return ItemsQuery(
        limit=limit,
        offset=offset,
        bbox=_bbox_parse(bbox_text) if bbox_text is not None else None,
        bbox_text=bbox_text,
    )


def _bbox_parse(text: str) -> tuple[float, float, float, float]:
    message = _(
        "The parameter bbox must be four numbers in CRS84: west,south,east,north "
        "(longitude, latitude), the west not east of the east, the south not north of "
        "the north."
    )
    try:
        numbers = [float(part) for part in text.split(",")]
    except ValueError:
        raise _invalid(message) from None
    if len(numbers) == 6:  # the standard allows a 3D box: heights play no part here
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if len(numbers) != 4 or not all(math.isfinite(number) for number in numbers):
        raise _invalid(message)
    west, south, east, north = numbers
    if west > east or south > north:
        raise _invalid(message)
    return west, south, east, north


def _properties_sql(fields: list[str]) -> tuple[str, dict[str, Any]]:
    """SQL for the JSON text of a feature's attributes, in the order the file lists them.

    jsonb sorts its keys by length: the text is built key by key instead, and any key the
    import report does not list is appended (`rest`, from the lateral join in ITEM_ROWS).
    """
    if not fields:
        return "(f.attributes - %(hidden)s::text[])::text", {}
    pairs = []
    params: dict[str, Any] = {"fields": fields}
    for index, name in enumerate(fields):
        params[f"key{index}"] = json.dumps(name, ensure_ascii=False) + ":"
        params[f"name{index}"] = name
        pairs.append(f"%(key{index})s || coalesce(f.attributes -> %(name{index})s, 'null')::text")
    ordered = " || ',' || ".join(pairs)
    return (
        f"'{{' || {ordered} || CASE WHEN rest.attributes = '{{}}' THEN '}}' "
        "ELSE ',' || substr(rest.attributes::text, 2) END",
        params,
    )


def _feature_sql(version: LayerVersion) -> tuple[str, dict[str, Any]]:
    """SQL for one feature's GeoJSON text from a row `f` of geodata_feature."""
    geometry = "f.geometry"
    if settings.RGIS_STORAGE_SRID != 4326:
        geometry = "ST_Transform(f.geometry, 4326)"
    properties, params = _properties_sql(_file_fields(version))
    sql = (
        """'{"type":"Feature","id":' || f.fid || ',"geometry":' || """
        f"coalesce(ST_AsGeoJSON({geometry}, {COORDINATE_DECIMALS}, 0), 'null') || "
        f"""',"properties":' || {properties} || '}}'"""
    )
    return sql, params


def _file_fields(version: LayerVersion) -> list[str]:
    """The public attributes in the file's order (the publisher's choice, no other)."""
    return version_public_field_order(version)


# Rows first, JSON after: only the page's features are encoded, whatever index PostgreSQL
# picks for the page.
ITEM_ROWS = """
SELECT f.fid, {feature} AS feature
FROM (
    SELECT f.fid, f.attributes, f.geometry
    FROM geodata_feature f
    WHERE f.version_id = %(version)s {where}
    ORDER BY f.fid
    {page}
) f
CROSS JOIN LATERAL (
    SELECT f.attributes - %(fields)s::text[] - %(hidden)s::text[] AS attributes
) rest
"""
ITEMS_SQL = """
SELECT count(*), coalesce(string_agg(rows.feature, ',' ORDER BY rows.fid), ''), {matched}
FROM ({rows}) rows
"""
MATCHED_SQL = "(SELECT count(*) FROM geodata_feature f WHERE f.version_id = %(version)s {where})"
# && finds the candidates in the GiST index. A feature whose box lies inside the (rectangular)
# envelope is inside it, so only those on its edges need the exact ST_Intersects.
BBOX_SQL = "AND f.geometry && {envelope} AND ({inside}ST_Intersects(f.geometry, {envelope}))"


def _bbox_sql(bbox: tuple[float, float, float, float]) -> tuple[str, dict[str, Any]]:
    params = dict(zip(("west", "south", "east", "north"), bbox, strict=True))
    envelope = "ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)"
    srid = settings.RGIS_STORAGE_SRID
    if srid != 4326:
        # Densified before it is projected: a box's straight edges in degrees are curves,
        # and the projected envelope is no longer a rectangle.
        envelope = f"ST_Transform(ST_Segmentize({envelope}, %(step)s), {int(srid)})"
        params["step"] = max(bbox[2] - bbox[0], bbox[3] - bbox[1], 1e-6) / 32
        return BBOX_SQL.format(envelope=envelope, inside=""), params
    return BBOX_SQL.format(envelope=envelope, inside=f"f.geometry @ {envelope} OR "), params


def _clip_to_extent(
    bbox: tuple[float, float, float, float], version: LayerVersion
) -> tuple[float, float, float, float] | None:
    """The part of the bbox near the layer's features; None when they cannot meet.

    Only needed for a projected storage CRS: a world-wide box does not project to it.
    """
    if version.extent is None:
        return None
    west, south, east, north = crs84_bbox(version.extent)
    margin = max(east - west, north - south) * 0.01 + 0.001
    clipped = (
        max(bbox[0], west - margin),
        max(bbox[1], south - margin),
        min(bbox[2], east + margin),
        min(bbox[3], north + margin),
    )
    if clipped[0] > clipped[2] or clipped[1] > clipped[3]:
        return None
    return clipped


@dataclass(frozen=True)
class FeaturePage:
    features_json: str  # the features, comma-separated GeoJSON objects
    number_matched: int
    number_returned: int


def features_page(version: LayerVersion, query: ItemsQuery) -> FeaturePage:
    """One page of a version's features, ordered by fid, in one statement."""
    bbox = query.bbox
    if bbox is not None and settings.RGIS_STORAGE_SRID != 4326:
        bbox = _clip_to_extent(bbox, version)
        if bbox is None:
            return FeaturePage("", 0, 0)
    feature, params = _feature_sql(version)
    params.setdefault("fields", [])
    params["hidden"] = list(version.hidden_fields)
    # PostgreSQL's OFFSET is a bigint: anything bigger is past the end anyway.
    params.update(version=version.pk, limit=query.limit, offset=min(query.offset, 2**62))
    where = ""
    if bbox is not None:
        where, bbox_params = _bbox_sql(bbox)
        params.update(bbox_params)
    # Without a bbox every feature matches: the import counted them.
    matched = str(int(version.feature_count))
    if bbox is not None:
        matched = MATCHED_SQL.format(where=where)
    rows = ITEM_ROWS.format(feature=feature, where=where, page="LIMIT %(limit)s OFFSET %(offset)s")
    returned, features_json, number_matched = _run(
        ITEMS_SQL.format(rows=rows, matched=matched), params
    )
    return FeaturePage(features_json, int(number_matched), int(returned))


def feature_json(version: LayerVersion, fid: int) -> str | None:
    """One feature's GeoJSON text, or None."""
    feature, params = _feature_sql(version)
    params.setdefault("fields", [])
    params["hidden"] = list(version.hidden_fields)
    params.update(version=version.pk, fid=fid)
    sql = ITEM_ROWS.format(feature=feature, where="AND f.fid = %(fid)s", page="")
    row = _run(sql, params)
    return None if row is None else row[1]


def _run(sql: str, params: dict[str, Any]) -> Any:
    """Fetch one row under a statement timeout; a query that trips it becomes a 503."""
    alias = router.db_for_read(Feature)
    try:
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            # JIT compiling costs more than it saves on these short statements.
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true), set_config('jit', 'off', true)",
                [str(STATEMENT_TIMEOUT_MS)],
            )
            cursor.execute(sql, params)
            return cursor.fetchone()
    except OperationalError as error:
        if getattr(error.__cause__, "pgcode", None) != QUERY_CANCELED:
            raise
        raise OgcRefusal(
            "ServiceUnavailable",
            _(
                "The features took too long to select. Ask for a smaller bbox or a "
                "smaller limit, or try again in a moment."
            ),
            status=503,
        ) from None


def _items_links(
    request: HttpRequest, public_id: str, query: ItemsQuery, page: FeaturePage
) -> list[dict[str, str]]:
    kept = {"bbox": query.bbox_text, "limit": query.limit}
    links = _self_links(
        request, "items", public_id, json_type=GEOJSON, offset=query.offset or None, **kept
    )
    links.append(
        _link(
            _url(request, "collection", public_id, f="json"),
            "collection",
            JSON,
            _("The layer"),
        )
    )

    def page_links(rel: str, offset: int, title: str, title_html: str) -> None:
        for f, media_type, text in (("json", GEOJSON, title), ("html", HTML, title_html)):
            href = _url(request, "items", public_id, f=f, offset=offset or None, **kept)
            links.append(_link(href, rel, media_type, text))

    if query.offset + page.number_returned < page.number_matched:
        page_links("next", query.offset + query.limit, _("Next page"), _("Next page as HTML"))
    if query.offset > 0:
        # Past the end, "prev" leads back to the last page that has features.
        offset = max(min(query.offset, page.number_matched) - query.limit, 0)
        page_links("prev", offset, _("Previous page"), _("Previous page as HTML"))
    return links


def _timestamp() -> str:
    return timezone.now().replace(microsecond=0).isoformat().replace("+00:00", "Z")


@ogc_endpoint
def items(request: HttpRequest, collection_id: str) -> HttpResponse:
    layer, version = _published(collection_id)
    query = items_query_parse(request)
    wants_html = _wants_html(request)
    page = features_page(version, query)
    links = _items_links(request, collection_id, query, page)
    header = {
        "type": "FeatureCollection",
        "numberMatched": page.number_matched,
        "numberReturned": page.number_returned,
        "timeStamp": _timestamp(),
        "links": links,
    }
    if wants_html:
        features = json.loads(f"[{page.features_json}]")
        columns = _columns(features, _file_fields(version))
        context = {
            "document": header,
            "layer": layer,
            "plan": layer.plan,
            "collection_id": collection_id,
            "query": query,
            "first": query.offset + 1,
            "last": query.offset + page.number_returned,
            "columns": columns,
            "rows": [_row(feature, columns) for feature in features],
            "next": next((link for link in links if link["rel"] == "next"), None),
            "prev": next((link for link in links if link["rel"] == "prev"), None),
        }
        return render(request, "geodata/ogc/items.html", context)
    # The features go in as PostgreSQL wrote them: spliced, not parsed and dumped again.
    head = json.dumps(header, ensure_ascii=False)[:-1]
    body = f'{head}, "features": [{page.features_json}]}}'
    return HttpResponse(body, content_type=GEOJSON)


def _columns(features: list[dict], file_order: list[str]) -> list[str]:
    """Attribute names of the features, in the file's order, then any others."""
    return in_file_order((name for f in features for name in f["properties"]), file_order)


def _row(feature: dict, columns: list[str]) -> dict[str, Any]:
    """A feature as the HTML tables show it."""
    properties = feature["properties"]
    return {
        "id": feature["id"],
        "cells": [properties.get(name) for name in columns],
        "attributes": [(name, properties.get(name)) for name in columns],
        "geometry_type": (feature["geometry"] or {}).get("type"),
    }


@ogc_endpoint
def item(request: HttpRequest, collection_id: str, feature_id: str) -> HttpResponse:
    layer, version = _published(collection_id)
    unknown = sorted(set(request.GET) - {"f", "crs"})
    if unknown:
        raise _invalid(_("Unknown parameter: %(names)s. Use f.") % {"names": ", ".join(unknown)})
    _crs84_only(request)
    wants_html = _wants_html(request)
    missing = _not_found(
        _("The layer “%(id)s” has no feature %(fid)s.") % {"id": collection_id, "fid": feature_id}
    )
    if not (feature_id.isascii() and feature_id.isdigit()) or int(feature_id) > 2**31 - 1:
        raise missing
    text = feature_json(version, int(feature_id))
    if text is None:
        raise missing
    links = [
        *_self_links(request, "item", collection_id, feature_id, json_type=GEOJSON),
        _link(
            _url(request, "collection", collection_id, f="json"), "collection", JSON, _("The layer")
        ),
    ]
    if wants_html:
        feature = json.loads(text)
        context = {
            "row": _row(feature, _columns([feature], _file_fields(version))),
            "links": links,
            "layer": layer,
            "plan": layer.plan,
            "collection_id": collection_id,
        }
        return render(request, "geodata/ogc/item.html", context)
    body = text[:-1] + ', "links": ' + json.dumps(links, ensure_ascii=False) + "}"
    return HttpResponse(body, content_type=GEOJSON)


# The API definition (OpenAPI 3.0)


def _parameter(name: str, where: str, description: str, schema: dict, **extra: Any) -> dict:
    return {"name": name, "in": where, "description": description, "schema": schema, **extra}


def openapi_document(server_url: str, collection_ids: list[str]) -> dict:
    """The OpenAPI 3.0 definition of this API, collection ids listed."""
    json_response = {"description": "JSON", "content": {JSON: {}, HTML: {}}}
    geojson_response = {"description": "GeoJSON", "content": {GEOJSON: {}, HTML: {}}}
    error = {"$ref": "#/components/responses/Error"}
    f = {"$ref": "#/components/parameters/f"}
    collection_id = {"$ref": "#/components/parameters/collectionId"}

    def get(summary: str, parameters: list, response: dict, *errors: str) -> dict:
        responses = {"200": response, **{code: error for code in errors}}
        return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}

    return {
        "openapi": "3.0.3",
        "info": {
            "title": _("e-RGIS %(city)s: urban plans") % {"city": settings.RGIS_CITY_NAME},
            "version": "1.0.0",
            "description": _(
                "The current version of every published layer of the city's plans. "
                "Features are in CRS84 (longitude, latitude)."
            ),
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": {
            "/": get(_("The landing page"), [f], json_response),
            "/api": get(_("This API definition"), [f], {"description": "OpenAPI 3.0"}),
            "/conformance": get(_("The conformance classes"), [f], json_response),
            "/collections": get(_("The published layers"), [f], json_response),
            "/collections/{collectionId}": get(
                _("One layer"), [collection_id, f], json_response, "404"
            ),
            "/collections/{collectionId}/items": get(
                _("The features of a layer, a page at a time, ordered by id"),
                [
                    collection_id,
                    {"$ref": "#/components/parameters/bbox"},
                    {"$ref": "#/components/parameters/limit"},
                    {"$ref": "#/components/parameters/offset"},
                    f,
                ],
                geojson_response,
                "400",
                "404",
                "503",
            ),
            "/collections/{collectionId}/items/{featureId}": get(
                _("One feature"),
                [
                    collection_id,
                    _parameter(
                        "featureId",
                        "path",
                        _("The feature's id"),
                        {"type": "integer"},
                        required=True,
                    ),
                    f,
                ],
                geojson_response,
                "404",
            ),
        },
        "components": {
            "parameters": {
                "f": _parameter(
                    "f",
                    "query",
                    _("The format: json or html"),
                    {"type": "string", "enum": ["json", "html"]},
                ),
                "collectionId": _parameter(
                    "collectionId",
                    "path",
                    _("The layer's id: plan code, a dot, layer code"),
                    {"type": "string", "enum": collection_ids},
                    required=True,
                ),
                "bbox": _parameter(
                    "bbox",
                    "query",
                    _("West, south, east, north in CRS84"),
                    {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
                    style="form",
                    explode=False,
                ),
                "limit": _parameter(
                    "limit",
                    "query",
                    _("How many features a page holds at most"),
                    {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": MAX_LIMIT,
                        "default": DEFAULT_LIMIT,
                    },
                    style="form",
                    explode=False,
                ),
                "offset": _parameter(
                    "offset",
                    "query",
                    _("How many features to skip"),
                    {"type": "integer", "minimum": 0, "default": 0},
                ),
            },
            "responses": {
                "Error": {
                    "description": _("An error: a code and a description"),
                    "content": {
                        JSON: {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "code": {"type": "string"},
                                    "description": {"type": "string"},
                                },
                            }
                        }
                    },
                },
            },
        },
    }
