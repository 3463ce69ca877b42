"""The published protocol's revisions: the printable page as it was stored, its DOCX and PDF.

The page is served byte for byte as generated (its SHA-256 is on the hearing page), with a
policy of its own: it has no script and its one style block is allowed by its hash."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from hearings.models import Hearing, Protocol
from hearings.protocol.as_html import style_source_hash
from hearings.selectors.discussion import hearing_public_get
from hearings.selectors.protocols import protocol_get

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _protocol_or_404(key: str, number: int) -> tuple[Hearing, Protocol]:
    hearing = hearing_public_get(key)
    protocol = None if hearing is None else protocol_get(hearing, number)
    if hearing is None or protocol is None:
        raise Http404("No such protocol")
    return hearing, protocol


@require_GET
def protocol_page(request: HttpRequest, key: str, number: int) -> HttpResponse:
    """Revision `number` of the protocol as a printable page."""
    _hearing, protocol = _protocol_or_404(key, number)
    with protocol.html.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = (
        f"default-src 'none'; style-src {style_source_hash()}; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'"
    )
    return response


@require_GET
def protocol_file(request: HttpRequest, key: str, number: int, kind: str) -> FileResponse:
    """Revision `number` of the protocol as DOCX or PDF."""
    hearing, protocol = _protocol_or_404(key, number)
    if kind not in CONTENT_TYPES:
        raise Http404("No such format")
    return FileResponse(
        getattr(protocol, kind).open("rb"),
        content_type=CONTENT_TYPES[kind],
        as_attachment=True,
        filename=f"{hearing.slug}-protocol-{protocol.number}.{kind}",
    )
