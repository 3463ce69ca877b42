import json
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON, PointOnSurface, Transform
from django.db import connection
from django.db.models import (
    Count,
    F,
    FilteredRelation,
    FloatField,
    Func,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)

from geodata.fields import in_file_order, version_file_fields
from geodata.models import District, Feature, Layer, LayerVersion, Plan
from geodata.personal_columns import column_warnings


class GeographyAreaHa(Func):
    """Area in hectares on the ellipsoid, whatever the storage SRID."""

    template = "ST_Area(ST_Transform(%(expressions)s, 4326)::geography) / 10000.0"
    output_field = FloatField()


def district_list() -> QuerySet[District]:
    """Districts with their area in hectares and a point inside each (WGS 84)."""
    return District.objects.annotate(
        area_ha=GeographyAreaHa(F("geometry")),
        centre=PointOnSurface(Transform("geometry", 4326)),
    )


def district_search(query: str) -> list[District]:
    """Districts whose name in any language contains the query."""
    return list(
        district_list().filter(
            Q(name_kk__icontains=query) | Q(name_ru__icontains=query) | Q(name_en__icontains=query)
        )
    )


def district_revision() -> str:
    """Changes whenever a district is added, changed or removed."""
    summary = District.objects.aggregate(count=Count("pk"), latest=Max("updated_at"))
    return f"{summary['count']}:{summary['latest']}"


def district_geojson() -> dict:
    """Districts as a GeoJSON FeatureCollection in WGS 84, names in the active language."""
    features = []
    # Five decimals of a degree are about a metre: plenty for a boundary on a city map.
    rows = District.objects.annotate(wgs84=AsGeoJSON(Transform("geometry", 4326), precision=5))
    for district in rows:
        features.append(
            {
                "type": "Feature",
                "id": district.slug,
                "properties": {"slug": district.slug, "name": district.name},
                "geometry": json.loads(district.wgs84),
            }
        )
    return {"type": "FeatureCollection", "features": features}


# Public pages of plans, layers and versions.

MAP_FEATURE_LIMIT = 2000
ATTRIBUTE_TABLE_ROWS = 50


def plan_list() -> QuerySet[Plan]:
    """Every plan with its number of layers (`layer_count`), the latest decisions first."""
    return Plan.objects.annotate(layer_count=Count("layers")).order_by(
        "kind", F("approval_date").desc(nulls_last=True), "slug"
    )


def plan_get(slug: str) -> Plan:
    """The plan with this code; raises Plan.DoesNotExist."""
    return Plan.objects.get(slug=slug)


def plan_layer_list(plan: Plan) -> QuerySet[Layer]:
    """The plan's layers with their current version's figures (None where none yet).

    Annotates `version_count`, `current_number`, `current_feature_count` and
    `current_uploaded_at`.
    """
    return (
        Layer.objects.filter(plan=plan)
        .alias(current=FilteredRelation("versions", condition=Q(versions__is_current=True)))
        .annotate(
            version_count=Count(
                "versions", filter=Q(versions__published_at__isnull=False), distinct=True
            ),
            current_number=F("current__number"),
            current_feature_count=F("current__feature_count"),
            current_uploaded_at=F("current__uploaded_at"),
        )
        .order_by("kind", "slug")
    )


def layer_get(plan_slug: str, layer_slug: str) -> Layer:
    """The layer with its plan; raises Layer.DoesNotExist."""
    return Layer.objects.select_related("plan").get(plan__slug=plan_slug, slug=layer_slug)


def layer_versions(layer: Layer) -> QuerySet[LayerVersion]:
    """Every published version of the layer, newest first (without the bulky report)."""
    return (
        layer.versions.filter(published_at__isnull=False)
        .defer("report", "extent")
        .order_by("-number")
    )


def version_get(plan_slug: str, layer_slug: str, number: int) -> LayerVersion:
    """One published version with its layer, plan and uploader; LayerVersion.DoesNotExist.

    Annotates `current_number` (the layer's current version) and `extent_wgs84`. A version
    not yet published does not exist for the public.
    """
    current = LayerVersion.objects.filter(layer=OuterRef("layer"), is_current=True)
    return (
        LayerVersion.objects.select_related("layer__plan", "uploaded_by")
        .annotate(
            current_number=Subquery(current.values("number")[:1]),
            extent_wgs84=Transform("extent", 4326),
        )
        .get(
            layer__plan__slug=plan_slug,
            layer__slug=layer_slug,
            number=number,
            published_at__isnull=False,
        )
    )


@dataclass(frozen=True)
class VersionMapFeatures:
    """The features a version's map draws: at most MAP_FEATURE_LIMIT of them."""

    collection: dict
    truncated: bool


def version_features_geojson(
    version: LayerVersion, limit: int = MAP_FEATURE_LIMIT
) -> VersionMapFeatures:
    """The first `limit` features with a geometry, as GeoJSON in WGS 84 (one query)."""
    # Six decimals of a degree are about 10 cm: enough for parcel corners.
    rows = (
        Feature.objects.filter(version=version, geometry__isnull=False)
        .annotate(wgs84=AsGeoJSON(Transform("geometry", 4326), precision=6))
        .order_by("fid")
        .values_list("fid", "attributes", "wgs84")[: limit + 1]
    )
    file_order = version_file_fields(version)
    hidden = set(version.hidden_fields)
    features = []
    for fid, attributes, geometry in rows:
        values = attributes or {}
        ordered = in_file_order(values, file_order)
        features.append(
            {
                "type": "Feature",
                "id": fid,
                "properties": {name: values[name] for name in ordered if name not in hidden},
                "geometry": json.loads(geometry),
            }
        )
    truncated = len(features) > limit
    return VersionMapFeatures(
        collection={"type": "FeatureCollection", "features": features[:limit]},
        truncated=truncated,
    )


@dataclass(frozen=True)
class AttributeTable:
    """The first rows of a version's attributes, one column per attribute key."""

    columns: list[str]
    rows: list[list]  # [fid, value of each column ...]


def version_attribute_table(
    version: LayerVersion, limit: int = ATTRIBUTE_TABLE_ROWS
) -> AttributeTable:
    """The attributes of the version's first `limit` features (one query).

    Columns are the keys found in those features, in the order the file lists its fields
    (from the import report), then any others in the order first seen: jsonb sorts keys
    by length, so the rows alone cannot tell the file's order.
    """
    records = list(
        Feature.objects.filter(version=version)
        .order_by("fid")
        .values_list("fid", "attributes")[:limit]
    )
    seen: dict[str, None] = {}  # an ordered set
    hidden = set(version.hidden_fields)
    for _fid, attributes in records:
        for key in attributes or {}:
            if key not in hidden:
                seen.setdefault(key, None)
    columns = in_file_order(seen, version_file_fields(version))
    rows = [
        [fid, *((attributes or {}).get(column) for column in columns)]
        for fid, attributes in records
    ]
    return AttributeTable(columns=columns, rows=rows)


CHANGE_KINDS = ("added", "removed", "changed")


def version_public_changes(version: LayerVersion) -> dict:
    """The version's changes against the previous one, as the public may read them.

    The import matched the features on a unique attribute and keeps examples of its
    values: when the publisher kept that attribute from the public (an IIN, an owner's
    name), neither its name nor its values are shown.
    """
    changes = dict(version.changes or {})
    if changes.get("key") in version.hidden_fields:
        changes["key"] = None
        for kind in CHANGE_KINDS:
            changes.pop(f"{kind}_examples", None)
    return changes


def layer_public_id(layer: Layer) -> str:
    """The id of a layer in tile, OGC API and download URLs: "<plan>.<layer>"."""
    return f"{layer.plan.slug}.{layer.slug}"


def published_layers() -> QuerySet[Layer]:
    """Layers with a current (published) version in a plan not archived, with that version."""
    current = LayerVersion.objects.filter(is_current=True)
    return (
        Layer.objects.filter(versions__is_current=True)
        .exclude(plan__status=Plan.Status.ARCHIVED)
        .select_related("plan")
        .prefetch_related(Prefetch("versions", queryset=current, to_attr="current_versions"))
        .order_by("plan__kind", "plan__slug", "slug")
    )


def _with_current_version(layer: Layer) -> tuple[Layer, LayerVersion]:
    # current_versions is set by published_layers()' Prefetch(to_attr=...): mypy cannot see it.
    return layer, layer.current_versions[0]  # type: ignore[attr-defined]  # see above


def published_layer_versions() -> list[tuple[Layer, LayerVersion]]:
    """Every published layer with its current version, in published_layers()' order."""
    return [_with_current_version(layer) for layer in published_layers()]


def published_layer_get(public_id: str) -> tuple[Layer, LayerVersion]:
    """A published layer by its public id, with its current version; DoesNotExist if none."""
    plan_slug, _dot, layer_slug = public_id.partition(".")
    return _with_current_version(published_layers().get(plan__slug=plan_slug, slug=layer_slug))


# Tiles are asked by the dozen for every map move, each needing the layer's current version:
# each process keeps the answer for RGIS_TILE_LAYER_MEMO_SECONDS (two look-up queries and
# a health-check round trip saved per tile). Keyed by public id, at most one entry per
# published layer: (layer, current version, monotonic time it was read).
_published_memo: dict[str, tuple[Layer, LayerVersion, float]] = {}


def published_layer_memoised(
    public_id: str, version_id: int | None = None
) -> tuple[Layer, LayerVersion]:
    """published_layer_get, remembered per process for a few seconds; DoesNotExist if none.

    `version_id` is the version the caller was pointed to (the tile URL's ?v=): when it is
    not the remembered one, the layer is read again, so a newly published version shows
    at once through the URLs its TileJSON hands out. Otherwise a layer unpublished or
    archived, or a version published elsewhere, is seen within the memo's lifetime.
    """
    lifetime = settings.RGIS_TILE_LAYER_MEMO_SECONDS
    remembered = _published_memo.get(public_id)
    if remembered is not None:
        layer, version, read_at = remembered
        fresh = time.monotonic() - read_at < lifetime
        if fresh and version_id in (None, version.pk):
            return layer, version
    try:
        layer, version = published_layer_get(public_id)
    except Layer.DoesNotExist:
        _published_memo.pop(public_id, None)
        raise
    if lifetime > 0:
        _published_memo[public_id] = (layer, version, time.monotonic())
    return layer, version


def published_layer_memo_clear() -> None:
    """Forget every remembered layer (this process only), e.g. after publishing a version."""
    _published_memo.clear()


# Publishing: the versions awaiting it, and the columns the publisher chooses among.

COLUMN_SAMPLE_ROWS = 200


def versions_awaiting_publication() -> QuerySet[LayerVersion]:
    """Imported versions nobody has published yet, oldest first."""
    return (
        LayerVersion.objects.filter(published_at__isnull=True)
        .select_related("layer__plan", "uploaded_by")
        .defer("extent", "changes")
        .order_by("uploaded_at")
    )


def version_attribute_keys(version: LayerVersion) -> list[str]:
    """Every attribute key the version's features hold, in the file's order then others."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT jsonb_object_keys(attributes) FROM geodata_feature "
            "WHERE version_id = %s AND jsonb_typeof(attributes) = 'object'",
            [version.pk],
        )
        keys = {str(key) for (key,) in cursor.fetchall()}
    return in_file_order(sorted(keys), version_file_fields(version))


@dataclass(frozen=True)
class ColumnChoice:
    """An attribute column as the publisher sees it: sample values and a warning if any."""

    name: str
    samples: list[str]
    warning: str
    public_by_default: bool


def version_column_choices(version: LayerVersion) -> list[ColumnChoice]:
    """The columns to choose from; those that look like personal data are unticked."""
    rows = [
        attributes or {}
        for attributes in Feature.objects.filter(version=version)
        .order_by("fid")
        .values_list("attributes", flat=True)[:COLUMN_SAMPLE_ROWS]
    ]
    names = version_attribute_keys(version)
    warnings = column_warnings(names, rows)
    choices = []
    for name in names:
        samples: dict[str, None] = {}
        for row in rows:
            value = row.get(name)
            if value not in (None, "") and len(samples) < 3:
                samples.setdefault(str(value)[:60], None)
        warning = warnings.get(name)
        choices.append(
            ColumnChoice(
                name=name,
                samples=list(samples),
                warning=warning.message if warning else "",
                public_by_default=warning is None,
            )
        )
    return choices
