"""The API definition (OpenAPI 3.0), and its operations as the HTML page lists them."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from geodata.ogc.protocol import DEFAULT_LIMIT, GEOJSON, HTML, JSON, MAX_LIMIT


def _parameter(
    name: str, where: str, description: str, schema: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {"name": name, "in": where, "description": description, "schema": schema, **extra}


def openapi_document(server_url: str, collection_ids: list[str]) -> dict[str, Any]:
    """The OpenAPI 3.0 definition of this API, collection ids listed."""
    json_response = {"description": "JSON", "content": {JSON: {}, HTML: {}}}
    geojson_response = {"description": "GeoJSON", "content": {GEOJSON: {}, HTML: {}}}
    error = {"$ref": "#/components/responses/Error"}
    f = {"$ref": "#/components/parameters/f"}
    collection_id = {"$ref": "#/components/parameters/collectionId"}

    def get(
        summary: str, parameters: list[dict[str, Any]], response: dict[str, Any], *errors: str
    ) -> dict[str, Any]:
        responses = {"200": response, **{code: error for code in errors}}
        return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}

    return {
        "openapi": "3.0.3",
        "info": {
            "title": _("e-RGIS %(city)s: urban plans") % {"city": settings.RGIS_CITY_NAME},
            "version": "1.0.0",
            "description": _(
                "The current version of every published layer of the city's plans. "
                "Features are in CRS84 (longitude, latitude)."
            ),
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": {
            "/": get(_("The landing page"), [f], json_response),
            "/api": get(_("This API definition"), [f], {"description": "OpenAPI 3.0"}),
            "/conformance": get(_("The conformance classes"), [f], json_response),
            "/collections": get(_("The published layers"), [f], json_response),
            "/collections/{collectionId}": get(
                _("One layer"), [collection_id, f], json_response, "404"
            ),
            "/collections/{collectionId}/items": get(
                _("The features of a layer, a page at a time, ordered by id"),
                [
                    collection_id,
                    {"$ref": "#/components/parameters/bbox"},
                    {"$ref": "#/components/parameters/limit"},
                    {"$ref": "#/components/parameters/offset"},
                    f,
                ],
                geojson_response,
                "400",
                "404",
                "503",
            ),
            "/collections/{collectionId}/items/{featureId}": get(
                _("One feature"),
                [
                    collection_id,
                    _parameter(
                        "featureId",
                        "path",
                        _("The feature's id"),
                        {"type": "integer"},
                        required=True,
                    ),
                    f,
                ],
                geojson_response,
                "404",
            ),
        },
        "components": {
            "parameters": {
                "f": _parameter(
                    "f",
                    "query",
                    _("The format: json or html"),
                    {"type": "string", "enum": ["json", "html"]},
                ),
                "collectionId": _parameter(
                    "collectionId",
                    "path",
                    _("The layer's id: plan code, a dot, layer code"),
                    {"type": "string", "enum": collection_ids},
                    required=True,
                ),
                "bbox": _parameter(
                    "bbox",
                    "query",
                    _("West, south, east, north in CRS84"),
                    {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
                    style="form",
                    explode=False,
                ),
                "limit": _parameter(
                    "limit",
                    "query",
                    _("How many features a page holds at most"),
                    {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": MAX_LIMIT,
                        "default": DEFAULT_LIMIT,
                    },
                    style="form",
                    explode=False,
                ),
                "offset": _parameter(
                    "offset",
                    "query",
                    _("How many features to skip"),
                    {"type": "integer", "minimum": 0, "default": 0},
                ),
            },
            "responses": {
                "Error": {
                    "description": _("An error: a code and a description"),
                    "content": {
                        JSON: {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "code": {"type": "string"},
                                    "description": {"type": "string"},
                                },
                            }
                        }
                    },
                },
            },
        },
    }


def documented_operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The API definition's operations with their parameters resolved, for the HTML page."""
    server = document["servers"][0]["url"]
    shared = document["components"]["parameters"]
    operations = []
    for path, item in document["paths"].items():
        operation = item["get"]
        parameters = [
            shared[parameter["$ref"].rsplit("/", 1)[1]] if "$ref" in parameter else parameter
            for parameter in operation["parameters"]
        ]
        operations.append(
            {"address": server + path, "summary": operation["summary"], "parameters": parameters}
        )
    return operations
