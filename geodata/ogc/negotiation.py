"""Content negotiation: ?f= wins, then the Accept header; JSON unless HTML is preferred."""

from django.http import HttpRequest
from django.utils.translation import gettext as _

from geodata.ogc.protocol import GEOJSON, HTML, JSON, invalid


def wants_html(request: HttpRequest, json_types: tuple[str, ...] = (JSON, GEOJSON)) -> bool:
    """Whether the client asked for HTML; an f other than json or html is refused."""
    requested = request.GET.get("f")
    if requested is not None:
        if requested not in ("json", "html"):
            raise invalid(_("The parameter f must be “json” or “html”."))
        return requested == "html"
    # JSON types come first: a client sending */* (OWSLib, curl) gets JSON.
    return request.get_preferred_type([*json_types, HTML]) == HTML
