"""Every non-trivial read of the parcel registry."""

import datetime
import json
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON, PointOnSurface, Transform
from django.contrib.gis.geos import Polygon
from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from geodata.models import Feature, Layer, LayerVersion, Plan
from parcels.cadastre import cadastral_prefix
from parcels.models import Parcel, Settlement

# "Being allocated now": plots reserved for an offer, and those allocated this recently.
RECENT_ALLOCATION_DAYS = 90
MAP_FEATURE_LIMIT = 500
MAP_FEATURE_LIMIT_MAX = 2000


def parcel_search(query: str) -> QuerySet[Parcel]:
    """Parcels whose cadastral number starts with the query, or whose address (kk or ru)
    contains it; ordered by cadastral number."""
    text = query.strip()
    condition = Q(address_kk__icontains=text) | Q(address_ru__icontains=text)
    prefix = cadastral_prefix(text)
    if prefix is not None:
        condition |= Q(cadastral_number__startswith=prefix)
    return (
        Parcel.objects.filter(condition)
        .select_related("purpose")
        .defer("geometry")
        .order_by("cadastral_number")
    )


def parcel_public_get(cadastral_number: str) -> Parcel:
    """A parcel with what its public page shows; raises Parcel.DoesNotExist.

    Annotates `inside` (a point on its surface, WGS 84) and `geojson` (its boundary).
    """
    return (
        Parcel.objects.select_related("plan", "purpose", "settlement")
        .annotate(
            inside=PointOnSurface(Transform("geometry", 4326)),
            geojson=AsGeoJSON(Transform("geometry", 4326), precision=6),
        )
        .get(cadastral_number=cadastral_number)
    )


def _recently(days: int = RECENT_ALLOCATION_DAYS) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _being_allocated_condition() -> Q:
    return Q(status=Parcel.Status.RESERVED) | Q(
        status=Parcel.Status.ALLOCATED, status_changed_at__gte=_recently()
    )


def parcels_being_allocated(
    settlement: Settlement | None = None, purpose_code: str | None = None
) -> QuerySet[Parcel]:
    """Parcels reserved for an offer now, or allocated in the last RECENT_ALLOCATION_DAYS.

    Reserved first, then the latest allocations; the boundary is deferred.
    """
    parcels = Parcel.objects.filter(_being_allocated_condition())
    if settlement is not None:
        parcels = parcels.filter(settlement=settlement)
    if purpose_code:
        parcels = parcels.filter(purpose__code=purpose_code)
    return (
        parcels.select_related("purpose")
        .defer("geometry")
        .order_by("-status", "-status_changed_at", "cadastral_number")
    )


# The two map layers: key -> which parcels they show.
MAP_LAYERS = ("free", "allocating")


def map_layer_condition(layer: str) -> Q:
    """Which parcels a map layer ("free" or "allocating") shows."""
    if layer == "free":
        return Q(status=Parcel.Status.FREE)
    if layer == "allocating":
        return _being_allocated_condition()
    raise ValueError(layer)


def parcels_revision() -> str:
    """Changes whenever a parcel is added, changed or removed, and every day (the
    "allocated lately" window moves)."""
    summary = Parcel.objects.aggregate(count=Count("pk"), latest=Max("updated_at"))
    latest = summary["latest"].timestamp() if summary["latest"] else 0
    return f"{summary['count']}-{latest:.0f}-{timezone.localdate():%Y%m%d}"


# (revision, monotonic time read): tiles come by the dozen, the revision costs a query; it
# is trusted for RGIS_TILE_LAYER_MEMO_SECONDS, as geodata's tiles trust their layer's version.
_revision_memo: list[tuple[str, float]] = []


def parcels_revision_memoised() -> str:
    """parcels_revision(), remembered per process for a few seconds."""
    now = time.monotonic()
    if _revision_memo and now - _revision_memo[0][1] < settings.RGIS_TILE_LAYER_MEMO_SECONDS:
        return _revision_memo[0][0]
    revision = parcels_revision()
    _revision_memo[:] = [(revision, now)]
    return revision


@dataclass(frozen=True)
class ParcelFeatures:
    collection: dict
    truncated: bool


def parcel_feature(parcel: Parcel) -> dict:
    """One parcel as a GeoJSON feature (needs the `geojson` annotation); no personal data."""
    return {
        "type": "Feature",
        "id": parcel.cadastral_number,
        "properties": {
            "cadastral_number": parcel.cadastral_number,
            "address": parcel.address,
            "area_ha": float(parcel.area_ha),
            "status": parcel.status,
            "status_label": str(parcel.get_status_display()),
            "purpose": parcel.purpose.name,
            "url": reverse("parcels:detail", args=[parcel.cadastral_number]),
        },
        # Ignored below: geojson is annotated by the queryset (AsGeoJSON): mypy cannot see it.
        "geometry": json.loads(parcel.geojson),  # type: ignore[attr-defined]  # see above
    }


def parcels_map_features(
    *,
    condition: Q,
    bbox: tuple[float, float, float, float] | None = None,
    limit: int = MAP_FEATURE_LIMIT,
) -> ParcelFeatures:
    """Parcels matching `condition` within a WGS 84 bbox, as GeoJSON (one query)."""
    parcels = Parcel.objects.filter(condition)
    if bbox is not None:
        box = Polygon.from_bbox(bbox)
        box.srid = 4326
        if settings.RGIS_STORAGE_SRID != 4326:
            box.transform(settings.RGIS_STORAGE_SRID)
        parcels = parcels.filter(geometry__bboverlaps=box)
    rows = list(
        parcels.select_related("purpose")
        .annotate(geojson=AsGeoJSON(Transform("geometry", 4326), precision=6))
        .defer("geometry")
        .order_by("cadastral_number")[: limit + 1]
    )
    features = [parcel_feature(parcel) for parcel in rows[:limit]]
    return ParcelFeatures(
        collection={"type": "FeatureCollection", "features": features},
        truncated=len(rows) > limit,
    )


def parcel_layer_versions() -> QuerySet[LayerVersion]:
    """Current versions of parcels layers in plans that are not archived: what a planner
    may turn into registry parcels."""
    return (
        LayerVersion.objects.filter(is_current=True, layer__kind=Layer.Kind.PARCELS)
        .exclude(layer__plan__status=Plan.Status.ARCHIVED)
        .select_related("layer__plan")
        .defer("extent", "changes")
        .order_by("layer__plan__slug", "layer__slug")
    )


def parcel_layer_version_get(pk: int) -> LayerVersion:
    """A layer version with its layer and plan; raises LayerVersion.DoesNotExist."""
    return LayerVersion.objects.select_related("layer__plan").get(pk=pk)


def parcel_layer_version_find(
    plan_slug: str, layer_slug: str, number: int | None = None
) -> LayerVersion | None:
    """Version `number` of the layer <plan_slug>.<layer_slug>, or its current one; None."""
    versions = LayerVersion.objects.filter(layer__plan__slug=plan_slug, layer__slug=layer_slug)
    return (versions.filter(number=number) if number else versions.filter(is_current=True)).first()


def version_fields(version: LayerVersion) -> list[str]:
    """The attribute names of a version, in the file's order."""
    fields = [str(name) for name in (version.report or {}).get("fields", [])]
    if fields:
        return fields
    first = Feature.objects.filter(version=version).order_by("fid").first()
    return list((first.attributes or {}).keys()) if first else []
