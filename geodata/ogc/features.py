"""The features of a collection as PostgreSQL writes them: GeoJSON text, a page at a time.

A page is one statement whose answer Python only wraps; it runs under a statement timeout,
and one that trips it is answered 503 (ask for less, or again later).
"""

import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import router
from django.db.utils import OperationalError
from django.utils.translation import gettext as _

from geodata.fields import version_public_field_order
from geodata.models import Feature, LayerVersion
from geodata.ogc.crs import crs84_bbox
from geodata.ogc.protocol import COORDINATE_DECIMALS, OgcRefusal
from rgis.db import fetchone_with_timeout, statement_timed_out
from rgis.geojson import Bounds

STATEMENT_TIMEOUT_MS = 5000
# JIT compiling costs more than it saves on these short statements.
JIT_OFF = "SET LOCAL jit = off; "


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
    """SQL for one feature's GeoJSON text from a row `f` of geodata_feature, its parameters.

    The public attributes only, in the file's order (the publisher's choice, no other).
    """
    geometry = "f.geometry"
    if settings.RGIS_STORAGE_SRID != 4326:
        geometry = "ST_Transform(f.geometry, 4326)"
    properties, params = _properties_sql(version_public_field_order(version))
    sql = (
        """'{"type":"Feature","id":' || f.fid || ',"geometry":' || """
        f"coalesce(ST_AsGeoJSON({geometry}, {COORDINATE_DECIMALS}, 0), 'null') || "
        f"""',"properties":' || {properties} || '}}'"""
    )
    params.setdefault("fields", [])
    params.update(version=version.pk, hidden=list(version.hidden_fields))
    return sql, params


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


def _bbox_sql(bbox: Bounds) -> tuple[str, dict[str, Any]]:
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


def _clip_to_extent(bbox: Bounds, version: LayerVersion) -> Bounds | None:
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


def features_page(
    version: LayerVersion, *, limit: int, offset: int, bbox: Bounds | None
) -> FeaturePage:
    """One page of a version's features, ordered by fid, in one statement."""
    if bbox is not None and settings.RGIS_STORAGE_SRID != 4326:
        bbox = _clip_to_extent(bbox, version)
        if bbox is None:
            return FeaturePage("", 0, 0)
    feature, params = _feature_sql(version)
    # PostgreSQL's OFFSET is a bigint: anything bigger is past the end anyway.
    params.update(limit=limit, offset=min(offset, 2**62))
    where = ""
    if bbox is not None:
        where, bbox_params = _bbox_sql(bbox)
        params.update(bbox_params)
    # Without a bbox every feature matches: the import counted them.
    matched = str(int(version.feature_count))
    if bbox is not None:
        matched = MATCHED_SQL.format(where=where)
    rows = ITEM_ROWS.format(feature=feature, where=where, page="LIMIT %(limit)s OFFSET %(offset)s")
    row = _fetchone(ITEMS_SQL.format(rows=rows, matched=matched), params)
    assert row is not None  # an aggregate: one row, always
    returned, features_json, number_matched = row
    return FeaturePage(features_json, int(number_matched), int(returned))


def feature_json(version: LayerVersion, fid: int) -> str | None:
    """One feature's GeoJSON text, or None."""
    feature, params = _feature_sql(version)
    params["fid"] = fid
    sql = ITEM_ROWS.format(feature=feature, where="AND f.fid = %(fid)s", page="")
    row = _fetchone(sql, params)
    return None if row is None else str(row[1])


def _fetchone(sql: str, params: dict[str, Any]) -> tuple | None:
    """Fetch one row under a statement timeout; a query that trips it becomes a 503."""
    try:
        return fetchone_with_timeout(
            router.db_for_read(Feature), JIT_OFF + sql, params, STATEMENT_TIMEOUT_MS
        )
    except OperationalError as error:
        if not statement_timed_out(error):
            raise
        raise OgcRefusal(
            "ServiceUnavailable",
            _(
                "The features took too long to select. Ask for a smaller bbox or a "
                "smaller limit, or try again in a moment."
            ),
            status=503,
        ) from None
