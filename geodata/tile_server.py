"""The lean path for vector tiles: a WSGI wrapper that answers tile requests itself.

A map move asks for 20-40 tiles at once, and an uncached tile is mostly the database's
work (ST_AsMVT, a few milliseconds). Django's request cycle around it (eleven middleware,
URL resolving, language negotiation, sessions and messages set up for nothing) costs
about half a millisecond more per tile, a fifth of the database's work on a z16 tile.
This wrapper answers `GET /tiles/<plan>.<layer>/<z>/<x>/<y>.mvt` of a layer its process
remembers (geodata.selectors.published_layer_memoised) with
geodata.tiles.layer_tile_response, the same function the Django view uses, and hands every
other request, and every tile request it would answer with an error page, to Django
unchanged.

What Django's cycle does that still matters here is kept: request_started and
request_finished are sent (Django closes a database connection that broke or aged out,
as for every request), the response is Django's (its close() writes the tile cache after
the last byte is sent, then sends request_finished), and a timeout answers the 503 in
the language the browser asks for. A tile carries no cookie and no language; its
security header (nosniff) and its cache headers are set by geodata.tiles.tile_response.

It lives in geodata, the app that owns the tiles; rgis/wsgi.py puts it in front of Django.
Parcel tiles (/tiles/parcels/<layer>/...) do not match its path and go to Django.
"""

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core import signals
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.utils import translation

from geodata.models import Layer
from geodata.selectors import published_layer_memoised
from geodata.tiles import (
    PublicIdConverter,
    TileTooSlow,
    layer_tile_response,
    tile_exists,
    tile_pinned_version,
    tile_too_slow_response,
)

logger = logging.getLogger(__name__)

# rgis/urls.py mounts geodata.urls.tile_patterns at /tiles/; tests check the two agree.
TILE_PATH = re.compile(
    rf"/tiles/(?P<public_id>{PublicIdConverter.regex})/(?P<z>\d{{1,2}})/(?P<x>\d{{1,8}})/"
    r"(?P<y>\d{1,8})\.mvt"
)
PINNED = re.compile(r"(?:^|&)v=([^&]*)")

StartResponse = Callable[..., Any]


class TileServer:
    """WSGI app: tiles of remembered layers answered directly, the rest by `django_app`."""

    def __init__(self, django_app: WSGIHandler) -> None:
        self.django_app = django_app

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        match = TILE_PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None or environ.get("REQUEST_METHOD") != "GET":
            return self.django_app(environ, start_response)
        signals.request_started.send(sender=self.__class__, environ=environ)
        public_id = match["public_id"]
        tile = (int(match["z"]), int(match["x"]), int(match["y"]))
        pinned = PINNED.search(environ.get("QUERY_STRING", ""))
        try:
            layer, version = published_layer_memoised(
                public_id, tile_pinned_version(pinned[1] if pinned else "")
            )
        except Layer.DoesNotExist:
            return self.django_app(environ, start_response)  # its translated 404 page
        if not tile_exists(*tile):
            return self.django_app(environ, start_response)
        try:
            response = layer_tile_response(
                layer,
                version,
                public_id,
                tile,
                if_none_match=environ.get("HTTP_IF_NONE_MATCH", ""),
                accept_encoding=environ.get("HTTP_ACCEPT_ENCODING", ""),
            )
        except TileTooSlow:
            language = translation.get_language_from_request(WSGIRequest(environ))
            with translation.override(language):
                response = tile_too_slow_response()
            response["Content-Language"] = language
        # close() sends request_finished with it, as for a response of WSGIHandler.
        response._handler_class = self.__class__  # type: ignore[attr-defined]  # see above
        status = f"{response.status_code} {response.reason_phrase}"
        start_response(status, list(response.items()))
        return response
