"""What a version holds, read for its files: typed columns, geometry types, features in batches."""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import shapely
from django.core.cache import cache
from django.db import connections, router
from pyproj import Transformer

from geodata.crs import geometries_reproject
from geodata.fields import in_file_order, version_file_fields
from geodata.models import Feature, LayerVersion

# 25 000 features take some 50 MB on their way through; fewer batches write faster (each
# append reopens the file, and a GeoPackage's R-tree is then updated feature by feature).
BATCH_SIZE = 25_000


@dataclass(frozen=True)
class AttributeColumn:
    """An attribute key of a version and the type its values make together."""

    name: str
    kind: str  # "integer", "real", "boolean" or "text"
    longest: int  # bytes of the longest value written as text


# One pass over the version's attributes, hashed by key (no sort): for each key whether its
# values are all numbers, all integers that fit int64, all booleans, and the longest value
# in bytes (shapefiles cut text at 254). JSON nulls count as any type.
COLUMNS_SQL = """
SELECT item.key,
       bool_or(item.type <> 'null'),
       bool_and(item.type IN ('number', 'null')),
       bool_and(item.type <> 'number' OR item.value::text ~ '^-?[0-9]{1,18}$'),
       bool_and(item.type IN ('boolean', 'null')),
       coalesce(max(octet_length(item.value #>> '{}')), 0)
FROM geodata_feature feature
CROSS JOIN LATERAL (
    SELECT pair.key, pair.value, jsonb_typeof(pair.value) AS type
    FROM jsonb_each(feature.attributes) AS pair
) AS item
WHERE feature.version_id = %s AND jsonb_typeof(feature.attributes) = 'object'
GROUP BY item.key
"""


def _column_kind(*, any_value: bool, numbers: bool, integers: bool, booleans: bool) -> str:
    if any_value and numbers:
        return "integer" if integers else "real"
    if any_value and booleans:
        return "boolean"
    # Strings, objects, arrays, a mix of types, or nothing but nulls: text.
    return "text"


def version_columns(version: LayerVersion) -> list[AttributeColumn]:
    """Every attribute key of the version, typed, in the order of the uploaded file.

    Cached: the query reads every value of the version (a second for 100 000 parcels),
    and a version never changes.
    """
    key = f"download-columns:{version.pk}:{version.uploaded_at.isoformat()}"
    columns = cache.get(key)
    if columns is None:
        columns = _version_columns(version)
        cache.set(key, columns, timeout=7 * 24 * 3600)
    return columns


def _version_columns(version: LayerVersion) -> list[AttributeColumn]:
    with connections[router.db_for_read(Feature)].cursor() as cursor:
        cursor.execute(COLUMNS_SQL, [version.pk])
        rows = cursor.fetchall()
    columns = {
        key: AttributeColumn(
            key,
            _column_kind(
                any_value=any_value, numbers=numbers, integers=integers, booleans=booleans
            ),
            longest,
        )
        for key, any_value, numbers, integers, booleans, longest in rows
    }
    return [columns[name] for name in in_file_order(sorted(columns), version_file_fields(version))]


def version_geometry_types(version: LayerVersion) -> list[str]:
    """The geometry types of the version's features ("MultiPolygon", ...), sorted."""
    counted = ((version.report or {}).get("geometry") or {}).get("types") or {}
    if counted:  # what the import counted: no need to read the features again
        return sorted(name for name, count in counted.items() if count)
    with connections[router.db_for_read(Feature)].cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT substr(ST_GeometryType(geometry), 4) FROM geodata_feature "
            "WHERE version_id = %s AND geometry IS NOT NULL",
            [version.pk],
        )
        return sorted(name for (name,) in cursor.fetchall())


def version_public_columns(version: LayerVersion) -> list[AttributeColumn]:
    """The version's columns the publisher made public."""
    hidden = set(version.hidden_fields)
    return [column for column in version_columns(version) if column.name not in hidden]


# PostgreSQL takes each attribute out of the jsonb as its column's type (->> gives SQL NULL
# for a JSON null, and a number, object or array as JSON text), so Python decodes no JSON.
# A GeoJSON wants every value as JSON text instead.
VALUE_SQL = {
    "integer": "(f.attributes ->> %s)::bigint",
    "real": "(f.attributes ->> %s)::float8",
    "boolean": "(f.attributes ->> %s)::boolean",
    "text": "f.attributes ->> %s",
    "json": "coalesce((f.attributes -> %s)::text, 'null')",
}


@dataclass
class FeatureBatch:
    fids: tuple[int, ...]
    values: list[tuple]  # one tuple per column asked, a value per feature
    geometries: np.ndarray  # shapely geometries in the target CRS, None where missing


def feature_batches(
    version: LayerVersion,
    columns: list[AttributeColumn],
    transformer: Transformer | None,
    *,
    as_json: bool = False,
) -> Iterator[FeatureBatch]:
    """The features in file order, BATCH_SIZE at a time; one empty batch if there are none."""
    # Only VALUE_SQL's fixed expressions go into the text; attribute names are parameters.
    values = "".join(f", {VALUE_SQL['json' if as_json else c.kind]}" for c in columns)
    sql = (
        f"SELECT f.fid, ST_AsBinary(f.geometry){values} FROM geodata_feature f "  # noqa: S608
        "WHERE f.version_id = %s ORDER BY f.fid"
    )
    yielded = False
    # A server-side cursor: PostgreSQL hands the rows over a batch at a time.
    with connections[router.db_for_read(Feature)].chunked_cursor() as cursor:
        cursor.execute(sql, [*(column.name for column in columns), version.pk])
        while rows := cursor.fetchmany(BATCH_SIZE):
            fids, geometries, *by_column = zip(*rows, strict=True)
            # Binary WKB: GEOS reads hex several times slower than psycopg2 decodes it.
            wkb = np.array([None if g is None else bytes(g) for g in geometries], dtype=object)
            yield FeatureBatch(
                fids, by_column, geometries_reproject(shapely.from_wkb(wkb), transformer)
            )
            yielded = True
    if not yielded:
        empty = np.array([], dtype=object)
        yield FeatureBatch((), [() for _column in columns], empty)
