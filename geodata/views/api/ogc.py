"""OGC API – Features at /ogc/: the views (the protocol's parts are in geodata/ogc/)."""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from geodata.fields import version_public_field_order
from geodata.models import Layer, LayerVersion
from geodata.ogc.documents import (
    collection_document,
    collections_document,
    conformance_document,
    item_links,
    items_links,
    landing_document,
    timestamp,
)
from geodata.ogc.endpoint import ogc_endpoint, ogc_json
from geodata.ogc.features import feature_json, features_page
from geodata.ogc.negotiation import wants_html
from geodata.ogc.openapi import documented_operations, openapi_document
from geodata.ogc.parameters import feature_id_parse, item_query_check, items_query_parse
from geodata.ogc.protocol import GEOJSON, JSON, OPENAPI, not_found
from geodata.ogc.tables import feature_columns, feature_row
from geodata.selectors import (
    layer_public_id,
    published_layer_get,
    published_layer_versions,
    published_layers,
)


def _published(collection_id: str) -> tuple[Layer, LayerVersion]:
    try:
        return published_layer_get(collection_id)
    except Layer.DoesNotExist:
        raise not_found(
            _("There is no published layer “%(id)s”.") % {"id": collection_id}
        ) from None


def _document_answer(
    request: HttpRequest, document: dict[str, Any], template: str, **context: Any
) -> HttpResponse:
    """The document as JSON, or as the HTML page `template` when the client prefers it."""
    if wants_html(request):
        return render(request, template, {"document": document, **context})
    return ogc_json(document)


# Landing page, conformance and API definition


@ogc_endpoint
def landing(request: HttpRequest) -> HttpResponse:
    return _document_answer(request, landing_document(request), "geodata/ogc/landing.html")


@ogc_endpoint
def conformance(request: HttpRequest) -> HttpResponse:
    document = conformance_document(request)
    return _document_answer(request, document, "geodata/ogc/conformance.html")


@ogc_endpoint
def api(request: HttpRequest) -> HttpResponse:
    ids = [layer_public_id(layer) for layer in published_layers()]
    document = openapi_document(request.build_absolute_uri(reverse("ogc:landing")), ids)
    if wants_html(request, (OPENAPI, JSON)):
        context = {"document": document, "operations": documented_operations(document)}
        return render(request, "geodata/ogc/api.html", context)
    return ogc_json(document, OPENAPI)


# Collections


@ogc_endpoint
def collections(request: HttpRequest) -> HttpResponse:
    document = collections_document(request, published_layer_versions())
    return _document_answer(request, document, "geodata/ogc/collections.html")


@ogc_endpoint
def collection(request: HttpRequest, collection_id: str) -> HttpResponse:
    layer, version = _published(collection_id)
    document = collection_document(request, layer, version)
    return _document_answer(
        request,
        document,
        "geodata/ogc/collection.html",
        layer=layer,
        plan=layer.plan,
        version=version,
    )


# Features


@ogc_endpoint
def items(request: HttpRequest, collection_id: str) -> HttpResponse:
    layer, version = _published(collection_id)
    query = items_query_parse(request)
    as_html = wants_html(request)
    page = features_page(version, limit=query.limit, offset=query.offset, bbox=query.bbox)
    links = items_links(request, collection_id, query, page)
    header = {
        "type": "FeatureCollection",
        "numberMatched": page.number_matched,
        "numberReturned": page.number_returned,
        "timeStamp": timestamp(),
        "links": links,
    }
    if as_html:
        features = json.loads(f"[{page.features_json}]")
        columns = feature_columns(features, version_public_field_order(version))
        context = {
            "document": header,
            "layer": layer,
            "plan": layer.plan,
            "collection_id": collection_id,
            "query": query,
            "first": query.offset + 1,
            "last": query.offset + page.number_returned,
            "columns": columns,
            "rows": [feature_row(feature, columns) for feature in features],
            "next": next((link for link in links if link["rel"] == "next"), None),
            "prev": next((link for link in links if link["rel"] == "prev"), None),
        }
        return render(request, "geodata/ogc/items.html", context)
    # The features go in as PostgreSQL wrote them: spliced, not parsed and dumped again.
    head = json.dumps(header, ensure_ascii=False)[:-1]
    body = f'{head}, "features": [{page.features_json}]}}'
    return HttpResponse(body, content_type=GEOJSON)


@ogc_endpoint
def item(request: HttpRequest, collection_id: str, feature_id: str) -> HttpResponse:
    layer, version = _published(collection_id)
    item_query_check(request)
    as_html = wants_html(request)
    missing = not_found(
        _("The layer “%(id)s” has no feature %(fid)s.") % {"id": collection_id, "fid": feature_id}
    )
    fid = feature_id_parse(feature_id)
    if fid is None:
        raise missing
    text = feature_json(version, fid)
    if text is None:
        raise missing
    links = item_links(request, collection_id, feature_id)
    if as_html:
        feature = json.loads(text)
        columns = feature_columns([feature], version_public_field_order(version))
        context = {
            "row": feature_row(feature, columns),
            "links": links,
            "layer": layer,
            "plan": layer.plan,
            "collection_id": collection_id,
        }
        return render(request, "geodata/ogc/item.html", context)
    body = text[:-1] + ', "links": ' + json.dumps(links, ensure_ascii=False) + "}"
    return HttpResponse(body, content_type=GEOJSON)
