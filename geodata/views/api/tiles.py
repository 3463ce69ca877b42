"""GET /tiles/<plan>.<layer>/<z>/<x>/<y>.mvt and /tiles/<plan>.<layer>.json: a published
layer's vector tiles and their TileJSON.

Most tile requests never reach these views: the lean path (geodata.tile_server) answers
those of layers its process remembers with the same geodata.tiles.layer_tile_response.
"""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from geodata.models import Layer
from geodata.selectors import published_layer_get, published_layer_memoised
from geodata.tiles import (
    TileTooSlow,
    layer_tile_response,
    tile_exists,
    tile_pinned_version,
    tile_too_slow_response,
    version_field_types,
)


def _no_such_layer(public_id: str) -> Http404:
    return Http404(_("No published layer “%(id)s”.") % {"id": public_id})


@require_GET
def tile(request: HttpRequest, public_id: str, z: int, x: int, y: int) -> HttpResponse:
    try:
        pinned = tile_pinned_version(request.GET.get("v", ""))
        layer, version = published_layer_memoised(public_id, pinned)
    except Layer.DoesNotExist:
        raise _no_such_layer(public_id) from None
    if not tile_exists(z, x, y):
        raise Http404(_("There is no such tile."))
    try:
        return layer_tile_response(
            layer,
            version,
            public_id,
            (z, x, y),
            if_none_match=request.headers.get("If-None-Match", ""),
            accept_encoding=request.headers.get("Accept-Encoding", ""),
        )
    except TileTooSlow:
        return tile_too_slow_response()


@require_GET
def tilejson(request: HttpRequest, public_id: str) -> JsonResponse:
    """TileJSON 3.0.0: where the tiles are, their zooms, bounds and fields."""
    try:
        layer, version = published_layer_get(public_id)
    except Layer.DoesNotExist:
        raise _no_such_layer(public_id) from None
    path = reverse("tiles:tile", args=[public_id, 0, 0, 0]).replace("/0/0/0.mvt", "")
    template = request.build_absolute_uri(path) + "/{z}/{x}/{y}.mvt" + f"?v={version.pk}"
    bounds = None
    center = None
    if version.extent is not None:
        extent = version.extent.transform(4326, clone=True).extent
        bounds = [round(value, 6) for value in extent]
        center = [
            round((extent[0] + extent[2]) / 2, 6),
            round((extent[1] + extent[3]) / 2, 6),
            max(layer.min_zoom, 12),
        ]
    document = {
        "tilejson": "3.0.0",
        "name": layer.name,
        "description": f"{layer.plan.name} — {layer.get_kind_display()}"
        + ("" if not layer.plan.is_draft else " " + _("(draft)")),
        "version": str(version.number),
        "scheme": "xyz",
        "tiles": [template],
        "minzoom": layer.min_zoom,
        "maxzoom": layer.max_zoom,
        "bounds": bounds,
        "center": center,
        "vector_layers": [
            {
                "id": public_id,
                "fields": version_field_types(version),
                "minzoom": layer.min_zoom,
                "maxzoom": layer.max_zoom,
            }
        ],
    }
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=60"
    response["Access-Control-Allow-Origin"] = "*"
    return response
