"""GET /api/whats-here?lat=..&lon=..: what the plans say about a point on the map."""

import math

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from geodata.lookups import FeatureAtPoint, LookupTimedOut, whats_here
from geodata.models import Plan
from geodata.selectors import layer_public_id
from rgis.api import ApiError, api_view

CACHE_SECONDS = 60


def _degrees(request: HttpRequest, name: str, limit: int) -> float:
    text = request.GET.get(name, "").strip()
    if not text:
        raise ApiError(
            _("Give the point as lat and lon in degrees (WGS 84), e.g. ?lat=42.9&lon=71.37.")
        )
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):  # float() also reads "nan" and "inf"
        raise ApiError(_("“%(name)s” must be a number of degrees, e.g. 42.9.") % {"name": name})
    if not -limit <= value <= limit:
        raise ApiError(
            _("“%(name)s” must be between -%(limit)s and %(limit)s degrees.")
            % {"name": name, "limit": limit}
        )
    return value


def _plan_json(plan: Plan) -> dict:
    return {
        "slug": plan.slug,
        "name": plan.name,
        "kind": plan.kind,
        "status": plan.status,
        "status_label": plan.get_status_display(),
        "is_draft": plan.is_draft,
        "url": reverse("plans:detail", args=[plan.slug]),
    }


def _feature_json(hit: FeatureAtPoint | None) -> dict | None:
    if hit is None:
        return None
    version = hit.version
    layer = version.layer
    return {
        "layer": layer_public_id(layer),
        "layer_name": layer.name,
        "version": version.number,
        "version_url": reverse("plans:version", args=[layer.plan.slug, layer.slug, version.number]),
        "fid": hit.fid,
        "attributes": hit.attributes,
        "plan": _plan_json(layer.plan),
    }


@api_view()
def whats_here_api(request: HttpRequest) -> JsonResponse:
    """The zone, parcel, plans and district at ?lat=&lon= (WGS 84); public, no sign-in."""
    lat = _degrees(request, "lat", 90)
    lon = _degrees(request, "lon", 180)
    try:
        here = whats_here(lat=lat, lon=lon)
    except LookupTimedOut as timeout:
        response = JsonResponse({"error": str(timeout.message)}, status=503)
        response["Retry-After"] = "5"
        return response
    response = JsonResponse(
        {
            "point": {"lat": lat, "lon": lon},
            "zone": _feature_json(here.zone),
            "zones": [_feature_json(zone) for zone in here.zones],
            "parcel": _feature_json(here.parcel),
            "plans": [_plan_json(plan) for plan in here.plans],
            "district": (
                {"slug": here.district.slug, "name": here.district.name} if here.district else None
            ),
        },
        json_dumps_params={"ensure_ascii": False},
    )
    # Plans change rarely; a minute of caching absorbs a visitor tapping around the map.
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"
    return response
