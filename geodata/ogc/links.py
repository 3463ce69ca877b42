"""Links between the API's resources, absolute, in the format asked and its alternate."""

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from geodata.ogc.negotiation import wants_html
from geodata.ogc.protocol import HTML, JSON


def ogc_url(request: HttpRequest, name: str, *args: Any, **query: Any) -> str:
    """The absolute URL of the resource `ogc:<name>`, with the query parameters not None."""
    path = reverse(f"ogc:{name}", args=args)
    parameters = {key: value for key, value in query.items() if value is not None}
    return request.build_absolute_uri(path + (f"?{urlencode(parameters)}" if parameters else ""))


def link(href: str, rel: str, media_type: str, title: str) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": media_type, "title": title}


def self_links(
    request: HttpRequest, name: str, *args: Any, json_type: str = JSON, **query: Any
) -> list[dict[str, str]]:
    """self and alternate links of a resource, for whichever format was asked."""
    as_json = link(
        ogc_url(request, name, *args, f="json", **query), "self", json_type, _("This document")
    )
    as_html = link(
        ogc_url(request, name, *args, f="html", **query),
        "alternate",
        HTML,
        _("This document as HTML"),
    )
    if wants_html(request):
        as_json["rel"], as_html["rel"] = "alternate", "self"
        as_json["title"], as_html["title"] = _("This document as JSON"), _("This document")
    return [as_json, as_html]
