"""Public pages of plans, layers and versions: readable without JavaScript but for the map."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from geodata.importing.encoding import ENCODING_LABELS
from geodata.models import Layer, LayerVersion, Plan
from geodata.selectors import (
    MAP_FEATURE_LIMIT,
    layer_get,
    layer_versions,
    plan_get,
    plan_layer_list,
    plan_list,
    version_attribute_table,
    version_features_geojson,
    version_get,
)
from rgis.mapshell import RenderedMap, features_map_render

# Names of file formats are the same in every language.
FORMAT_LABELS = {
    "shapefile": "ESRI Shapefile",
    "geopackage": "GeoPackage",
    "geojson": "GeoJSON",
    "kml": "KML",
}
FEATURE_COLOUR = "#c2410c"
CHANGE_KINDS = {"added": _lazy("Added"), "removed": _lazy("Removed"), "changed": _lazy("Changed")}


@require_GET
def plan_list_page(request: HttpRequest) -> HttpResponse:
    plans = list(plan_list())
    current = [plan for plan in plans if plan.status != Plan.Status.ARCHIVED]
    return render(
        request,
        "geodata/plan_list.html",
        {
            "master_plans": [p for p in current if p.kind == Plan.Kind.MASTER_PLAN],
            "detailed_plans": [p for p in current if p.kind == Plan.Kind.DETAILED_PLAN],
            "archived_plans": [p for p in plans if p.status == Plan.Status.ARCHIVED],
        },
    )


@require_GET
def plan_detail_page(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        plan = plan_get(slug)
    except Plan.DoesNotExist:
        raise Http404("No such plan") from None
    return render(
        request, "geodata/plan_detail.html", {"plan": plan, "layers": plan_layer_list(plan)}
    )


@require_GET
def layer_page(request: HttpRequest, slug: str, layer_slug: str) -> HttpResponse:
    try:
        layer = layer_get(slug, layer_slug)
    except Layer.DoesNotExist:
        raise Http404("No such layer") from None
    return render(
        request,
        "geodata/layer_detail.html",
        {"plan": layer.plan, "layer": layer, "versions": layer_versions(layer)},
    )


@require_GET
def version_page(request: HttpRequest, slug: str, layer_slug: str, number: int) -> HttpResponse:
    try:
        version = version_get(slug, layer_slug, number)
    except LayerVersion.DoesNotExist:
        raise Http404("No such version") from None
    changes = _public_changes(version)
    geometry_report = (version.report or {}).get("geometry", {})
    version_map, truncated = _version_map(version)
    return render(
        request,
        "geodata/version_detail.html",
        {
            "plan": version.layer.plan,
            "layer": version.layer,
            "version": version,
            "format_label": FORMAT_LABELS.get(version.source_format, version.source_format),
            "encoding_label": ENCODING_LABELS.get(version.source_encoding, version.source_encoding),
            "geometry_report": geometry_report,
            "changes": changes,
            "change_examples": [
                {
                    "label": label,
                    "examples": changes.get(f"{kind}_examples") or [],
                    "total": changes.get(kind, 0),
                }
                for kind, label in CHANGE_KINDS.items()
            ],
            "map": version_map,
            "map_truncated": truncated,
            "map_limit": MAP_FEATURE_LIMIT,
            "table": version_attribute_table(version),
        },
    )


def _public_changes(version: LayerVersion) -> dict:
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


def _version_map(version: LayerVersion) -> tuple[RenderedMap, bool]:
    """The version's map and whether it leaves features out, cached: a version never changes."""
    key_parts = [
        str(version.pk),
        version.uploaded_at.isoformat(),
        get_language() or "",
        settings.RGIS_BASEMAP_URL,
        settings.RGIS_BASEMAP_ATTRIBUTION,
        str(MAP_FEATURE_LIMIT),
    ]
    key = "version-map:" + hashlib.sha256("|".join(key_parts).encode()).hexdigest()
    cached = cache.get(key)
    if cached is None:
        cached = _version_map_build(version)
        cache.set(key, cached, timeout=7 * 24 * 3600)
    return cached


def _version_map_build(version: LayerVersion) -> tuple[RenderedMap, bool]:
    features = version_features_geojson(version, limit=MAP_FEATURE_LIMIT)
    extent = getattr(version, "extent_wgs84", None)
    rendered = features_map_render(
        features.collection,
        name=version.layer.name,
        bounds=extent.extent if extent is not None else None,
        colour=FEATURE_COLOUR,
    )
    return rendered, features.truncated
