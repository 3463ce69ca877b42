"""What is here: the zone, parcel, plans and district at a point, in one SQL statement.

Zones are found through their subdivided parts (geodata_featurepart, filled by the import
for functional-zones layers): a big zone polygon with thousands of vertices becomes parts
of at most 255, each behind its own GiST box. Every other layer is looked up in
geodata_feature through its GiST index. Only current (published) versions of plans that
are not archived count, with their public attributes only.
"""

import datetime
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import OperationalError, router
from django.utils.translation import gettext_lazy as _

from geodata.fields import in_file_order
from geodata.models import District, Feature, Layer, LayerVersion, Plan
from rgis.db import fetchone_with_timeout, statement_timed_out
from rgis.errors import Refusal

# A look-up normally takes a millisecond or two; past this something is wrong (a lock, a
# huge unsubdivided polygon) and the visitor should hear so rather than wait.
LOOKUP_TIMEOUT_MS = 2000

# The point in the storage SRID; ST_Transform is immutable, so the planner folds this to a
# constant and estimates the index scans from it.
_POINT = "ST_Transform(ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326), %(srid)s)"

# Only the constant _POINT is put into the text; lat and lon travel as parameters.
WHATS_HERE_SQL = f"""
WITH live AS MATERIALIZED (
    -- The current version of each layer of each plan that is not archived: a few dozen.
    SELECT version.id AS version_id, version.number, version.report -> 'fields' AS fields,
           version.hidden_fields,
           layer.slug AS layer_slug, layer.kind AS layer_kind, layer.name_kk AS layer_name_kk,
           layer.name_ru AS layer_name_ru, layer.name_en AS layer_name_en,
           plan.id AS plan_id, plan.kind AS plan_kind
    FROM geodata_layerversion version
    JOIN geodata_layer layer ON layer.id = version.layer_id
    JOIN geodata_plan plan ON plan.id = layer.plan_id
    WHERE version.is_current AND plan.status <> 'archived'
),
hits AS MATERIALIZED (
    -- Polygons of current versions holding the point. The version test is a cheap filter
    -- on the GiST scan that PostgreSQL runs before the costly ST_Intersects, so the big
    -- polygons of superseded versions (and zones, whose parts stand in) are never read.
    -- UNION, not UNION ALL: a point on the cut between two parts touches both.
    SELECT part.feature_id, part.version_id
    FROM geodata_featurepart part
    WHERE part.geometry && {_POINT}
      AND part.version_id = ANY (ARRAY(
          SELECT version_id FROM live WHERE layer_kind = 'functional_zones'))
      AND ST_Intersects(part.geometry, {_POINT})
    UNION
    SELECT feature.id, feature.version_id
    FROM geodata_feature feature
    WHERE feature.geometry && {_POINT}
      AND feature.version_id = ANY (ARRAY(
          SELECT version_id FROM live WHERE layer_kind <> 'functional_zones'))
      AND ST_Dimension(feature.geometry) = 2
      AND ST_Intersects(feature.geometry, {_POINT})
)
SELECT json_build_object(
    'features', (
        SELECT json_agg(json_build_object(
            'fid', feature.fid, 'attributes', feature.attributes - live.hidden_fields,
            'fields', live.fields,
            'version_id', live.version_id, 'number', live.number,
            'layer_slug', live.layer_slug, 'layer_kind', live.layer_kind,
            'layer_name_kk', live.layer_name_kk, 'layer_name_ru', live.layer_name_ru,
            'layer_name_en', live.layer_name_en, 'plan_id', live.plan_id
        ))
        FROM hits
        JOIN live USING (version_id)
        JOIN geodata_feature feature ON feature.id = hits.feature_id
        WHERE (live.layer_kind = 'functional_zones' AND live.plan_kind = 'master_plan')
           OR live.layer_kind = 'parcels'
    ),
    'plans', (
        SELECT json_agg(json_build_object(
            'id', plan.id, 'slug', plan.slug, 'kind', plan.kind, 'status', plan.status,
            'approval_date', plan.approval_date, 'name_kk', plan.name_kk,
            'name_ru', plan.name_ru, 'name_en', plan.name_en
        ))
        FROM geodata_plan plan
        WHERE plan.id IN (SELECT live.plan_id FROM hits JOIN live USING (version_id))
           OR (plan.status <> 'archived' AND plan.area && {_POINT}
               AND ST_Intersects(plan.area, {_POINT}))
    ),
    'district', (
        SELECT json_build_object(
            'id', district.id, 'slug', district.slug, 'name_kk', district.name_kk,
            'name_ru', district.name_ru, 'name_en', district.name_en
        )
        FROM geodata_district district
        WHERE district.geometry && {_POINT} AND ST_Intersects(district.geometry, {_POINT})
        ORDER BY district.slug
        LIMIT 1
    )
)::text
"""  # noqa: S608


class LookupTimedOut(Refusal):
    """The look-up ran past its statement timeout."""

    status = 503


@dataclass(frozen=True)
class FeatureAtPoint:
    """A feature of a current version whose polygon holds the point.

    `version` is built from the look-up's row, with its `layer` and the layer's `plan`.
    """

    version: LayerVersion
    fid: int
    attributes: dict


@dataclass(frozen=True)
class WhatsHere:
    """What lies at a point: zones (the approved master plan's first), parcel, plans, district."""

    zones: list[FeatureAtPoint]
    parcel: FeatureAtPoint | None
    plans: list[Plan]
    district: District | None

    @property
    def zone(self) -> FeatureAtPoint | None:
        return self.zones[0] if self.zones else None


def _plan_order(plan: Plan) -> tuple:
    # Master plan first, approved before drafts, the latest decision first.
    decided = plan.approval_date.toordinal() if plan.approval_date else 0
    return (plan.kind != Plan.Kind.MASTER_PLAN, plan.is_draft, -decided, plan.slug)


def _feature_order(hit: FeatureAtPoint) -> tuple:
    return (*_plan_order(hit.version.layer.plan), hit.version.layer.slug, hit.fid)


def _feature_from(row: dict, plans: dict[int, Plan]) -> FeatureAtPoint:
    layer = Layer(
        slug=row["layer_slug"],
        kind=row["layer_kind"],
        name_kk=row["layer_name_kk"],
        name_ru=row["layer_name_ru"],
        name_en=row["layer_name_en"],
        plan=plans[row["plan_id"]],
    )
    version = LayerVersion(id=row["version_id"], number=row["number"], layer=layer)
    values = row["attributes"] or {}
    attributes = {name: values[name] for name in in_file_order(values, row["fields"] or [])}
    return FeatureAtPoint(version=version, fid=row["fid"], attributes=attributes)


def _plan_from(row: dict) -> Plan:
    decided = row.pop("approval_date")
    return Plan(**row, approval_date=datetime.date.fromisoformat(decided) if decided else None)


def whats_here(*, lat: float, lon: float) -> WhatsHere:
    """Zones, parcel, plans and district at a WGS 84 point; raises LookupTimedOut."""
    alias = router.db_for_read(Feature)
    # float(): psycopg2 writes a float subclass (numpy's) by its repr, "np.float64(...)".
    params = {"lat": float(lat), "lon": float(lon), "srid": settings.RGIS_STORAGE_SRID}
    try:
        result = fetchone_with_timeout(alias, WHATS_HERE_SQL, params, LOOKUP_TIMEOUT_MS)
    except OperationalError as error:
        if not statement_timed_out(error):
            raise
        raise LookupTimedOut(
            _("Looking up this point took too long. Try again in a moment.")
        ) from None
    assert result is not None  # json_build_object: one row, always
    answer = json.loads(result[0])
    plans = {row["id"]: _plan_from(row) for row in answer["plans"] or []}
    features = [_feature_from(row, plans) for row in answer["features"] or []]
    zones = [hit for hit in features if hit.version.layer.kind == Layer.Kind.FUNCTIONAL_ZONES]
    parcels = [hit for hit in features if hit.version.layer.kind == Layer.Kind.PARCELS]
    district = District(**answer["district"]) if answer["district"] else None
    return WhatsHere(
        zones=sorted(zones, key=_feature_order),
        parcel=min(parcels, key=_feature_order, default=None),
        plans=sorted(plans.values(), key=_plan_order),
        district=district,
    )
