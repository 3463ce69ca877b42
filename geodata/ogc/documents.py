"""The API's JSON documents: landing page, conformance, collections, links of a page."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from geodata.models import Layer, LayerVersion
from geodata.ogc.crs import crs84_bbox, storage_crs
from geodata.ogc.features import FeaturePage
from geodata.ogc.links import link, ogc_url, self_links
from geodata.ogc.parameters import ItemsQuery
from geodata.ogc.protocol import CONFORMANCE, CRS84, GEOJSON, HTML, JSON, OPENAPI
from geodata.selectors import layer_public_id


def landing_document(request: HttpRequest) -> dict[str, Any]:
    """The landing page: what this API is, and links to the rest."""
    return {
        "title": _("e-RGIS %(city)s: urban plans") % {"city": settings.RGIS_CITY_NAME},
        "description": _(
            "The master plan and detailed plans of %(city)s as OGC API – Features: the "
            "current version of every published layer, as GeoJSON in WGS 84 (CRS84)."
        )
        % {"city": settings.RGIS_CITY_NAME},
        "links": [
            *self_links(request, "landing"),
            link(
                ogc_url(request, "api", f="json"), "service-desc", OPENAPI, _("The API definition")
            ),
            link(
                ogc_url(request, "api", f="html"), "service-doc", HTML, _("The API documentation")
            ),
            link(
                ogc_url(request, "conformance", f="json"),
                "conformance",
                JSON,
                _("The standards this API conforms to"),
            ),
            link(ogc_url(request, "collections", f="json"), "data", JSON, _("The layers")),
        ],
    }


def conformance_document(request: HttpRequest) -> dict[str, Any]:
    """The conformance classes this API implements."""
    return {"conformsTo": CONFORMANCE, "links": self_links(request, "conformance")}


def collection_document(
    request: HttpRequest, layer: Layer, version: LayerVersion
) -> dict[str, Any]:
    """One published layer as a collection: its title, links, CRS and extent."""
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
            *self_links(request, "collection", public_id),
            link(
                ogc_url(request, "items", public_id, f="json"),
                "items",
                GEOJSON,
                _("The features as GeoJSON"),
            ),
            link(
                ogc_url(request, "items", public_id, f="html"),
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


def collections_document(
    request: HttpRequest, layers: Iterable[tuple[Layer, LayerVersion]]
) -> dict[str, Any]:
    """The published layers, each with its current version, as the list of collections."""
    listed = [collection_document(request, layer, version) for layer, version in layers]
    return {"links": self_links(request, "collections"), "collections": listed}


def items_links(
    request: HttpRequest, public_id: str, query: ItemsQuery, page: FeaturePage
) -> list[dict[str, str]]:
    """The links of a page of features: itself, its layer, the next and previous pages."""
    kept = {"bbox": query.bbox_text, "limit": query.limit}
    links = self_links(
        request, "items", public_id, json_type=GEOJSON, offset=query.offset or None, **kept
    )
    links.append(
        link(
            ogc_url(request, "collection", public_id, f="json"),
            "collection",
            JSON,
            _("The layer"),
        )
    )

    def page_links(rel: str, offset: int, title: str, title_html: str) -> None:
        for f, media_type, text in (("json", GEOJSON, title), ("html", HTML, title_html)):
            href = ogc_url(request, "items", public_id, f=f, offset=offset or None, **kept)
            links.append(link(href, rel, media_type, text))

    if query.offset + page.number_returned < page.number_matched:
        page_links("next", query.offset + query.limit, _("Next page"), _("Next page as HTML"))
    if query.offset > 0:
        # Past the end, "prev" leads back to the last page that has features.
        offset = max(min(query.offset, page.number_matched) - query.limit, 0)
        page_links("prev", offset, _("Previous page"), _("Previous page as HTML"))
    return links


def item_links(request: HttpRequest, public_id: str, feature_id: str) -> list[dict[str, str]]:
    """The links of one feature: itself and its layer."""
    return [
        *self_links(request, "item", public_id, feature_id, json_type=GEOJSON),
        link(
            ogc_url(request, "collection", public_id, f="json"), "collection", JSON, _("The layer")
        ),
    ]


def timestamp() -> str:
    """Now, in UTC to the second, as the items documents state when they were made."""
    return timezone.now().replace(microsecond=0).isoformat().replace("+00:00", "Z")
