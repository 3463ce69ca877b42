"""What changed between two versions of a layer: features added, removed, changed; area."""

from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper

from geodata.models import LayerVersion

SAMPLE = 50

# Features are matched on an identifying attribute when the layer has one (unique and
# never empty in both versions, e.g. a cadastral number); otherwise on their content.
_KEY_CANDIDATES_SQL = """
SELECT key FROM (
    SELECT DISTINCT jsonb_object_keys(attributes) AS key
    FROM geodata_feature WHERE version_id = %(new)s
) keys
-- Identifier-like names first (a cadastral number, an id), then alphabetical: the same
-- key is chosen every time.
ORDER BY key !~* '(kad|cad|nomer|number|^id$|^fid$|code|kod)', key
"""
_KEY_USABLE_SQL = """
SELECT bool_and(ok) FROM (
    SELECT count(*) = count(DISTINCT attributes->>%(key)s)
       AND count(*) = count(attributes->>%(key)s) AS ok
    FROM geodata_feature WHERE version_id = %(old)s
    UNION ALL
    SELECT count(*) = count(DISTINCT attributes->>%(key)s)
       AND count(*) = count(attributes->>%(key)s)
    FROM geodata_feature WHERE version_id = %(new)s
) checks
"""
_KEYED_SQL = """
WITH old AS (SELECT attributes->>%(key)s AS k, attributes, geometry FROM geodata_feature
             WHERE version_id = %(old)s),
     new AS (SELECT attributes->>%(key)s AS k, attributes, geometry FROM geodata_feature
             WHERE version_id = %(new)s)
SELECT 'added', new.k FROM new LEFT JOIN old USING (k) WHERE old.k IS NULL
UNION ALL
SELECT 'removed', old.k FROM old LEFT JOIN new USING (k) WHERE new.k IS NULL
UNION ALL
SELECT 'changed', new.k FROM new JOIN old USING (k)
 WHERE new.attributes IS DISTINCT FROM old.attributes
    OR ST_AsBinary(new.geometry) IS DISTINCT FROM ST_AsBinary(old.geometry)
"""
_CONTENT_SQL = """
WITH old AS (SELECT md5(attributes::text || coalesce(ST_AsEWKB(geometry)::text, '')) AS h
             FROM geodata_feature WHERE version_id = %(old)s),
     new AS (SELECT md5(attributes::text || coalesce(ST_AsEWKB(geometry)::text, '')) AS h
             FROM geodata_feature WHERE version_id = %(new)s)
SELECT (SELECT count(*) FROM (SELECT h FROM new EXCEPT ALL SELECT h FROM old) a),
       (SELECT count(*) FROM (SELECT h FROM old EXCEPT ALL SELECT h FROM new) r)
"""
_AREA_SQL = """
SELECT coalesce(sum(ST_Area(ST_Transform(geometry, 4326)::geography)) / 10000.0, 0)
FROM geodata_feature
WHERE version_id = %(version)s AND ST_Dimension(geometry) = 2
"""


def _area_ha(cursor: CursorWrapper, version_id: int) -> float:
    cursor.execute(_AREA_SQL, {"version": version_id})
    return round(float(cursor.fetchone()[0]), 4)


def version_changes(previous: LayerVersion | None, version: LayerVersion) -> dict[str, Any]:
    """Counts and examples of what a version changed against the one before it."""
    with connection.cursor() as cursor:
        area_after = _area_ha(cursor, version.pk)
        if previous is None:
            return {
                "previous": None,
                "added": version.feature_count,
                "removed": 0,
                "changed": 0,
                "key": None,
                "area_before_ha": 0.0,
                "area_after_ha": area_after,
            }
        ids = {"old": previous.pk, "new": version.pk}
        cursor.execute(_KEY_CANDIDATES_SQL, ids)
        key = None
        for (candidate,) in cursor.fetchall():
            cursor.execute(_KEY_USABLE_SQL, {**ids, "key": candidate})
            if cursor.fetchone()[0]:
                key = candidate
                break
        result: dict[str, Any] = {"previous": previous.number, "key": key}
        if key is not None:
            cursor.execute(_KEYED_SQL, {**ids, "key": key})
            kinds: dict[str, list[str]] = {"added": [], "removed": [], "changed": []}
            for kind, value in cursor.fetchall():
                kinds[kind].append(value)
            for kind, values in kinds.items():
                result[kind] = len(values)
                result[f"{kind}_examples"] = sorted(values)[:SAMPLE]
        else:
            cursor.execute(_CONTENT_SQL, ids)
            added, removed = cursor.fetchone()
            result.update({"added": added, "removed": removed, "changed": 0})
        result["area_before_ha"] = _area_ha(cursor, previous.pk)
        result["area_after_ha"] = area_after
    return result
