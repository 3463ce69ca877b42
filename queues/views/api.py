"""The queues' JSON API: public, no sign-in, nothing personal.

GET /api/queues/applications/<number>: a resident's place in line, for apps and widgets (an
application number reveals no person: the public ledger lists them all).

The published ledger, GET /api/queues/ ... An entry's public form names the applicant by
application number and the keyed hash of the IIN only (queues/ledger.py), so the whole
ledger may be published as it is:
- /api/queues/                      every queue with its ledger addresses and head;
- /api/queues/<queue>/ledger        JSON pages (?after=<sequence>&limit=), keyset-paged;
- /api/queues/<queue>/ledger.jsonl  the download: one entry per line, streamed;
- /api/queues/<queue>/roots         the daily roots;
- /api/queues/ledger_verify.py      the standalone checker (docs/ledger_verify.py).
"""

from collections.abc import Iterator
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _

from queues.errors import ApplicationNotFound
from queues.ledger import canonical_json, timestamp_text
from queues.models import Queue
from queues.selectors.ledger import ledger_entries, ledger_head, ledger_roots
from queues.selectors.positions import application_standing
from queues.selectors.queues import queue_get, queues_with_ledger_heads
from rgis.api import ApiError, api_view

ResponseType = TypeVar("ResponseType", bound=HttpResponseBase)

PAGE_DEFAULT = 500
PAGE_MAX = 5000
CACHE_SECONDS = 60
# Lines joined into one chunk of the download: fewer, larger writes to the socket.
LINES_PER_CHUNK = 500
VERIFY_SCRIPT = Path(settings.BASE_DIR) / "docs" / "ledger_verify.py"


def _queue_get(slug: str) -> Queue:
    queue = queue_get(slug)
    if queue is None:
        raise ApiError(
            _("No queue with the code “%(code)s”. The list is at /api/queues/.")
            % {"code": slug[:60]},
            status=404,
        )
    return queue


def _whole_number(request: HttpRequest, name: str, default: int, *, least: int, most: int) -> int:
    text = request.GET.get(name, "")
    if not text:
        return default
    if not text.isdigit() or not least <= int(text) <= most:
        raise ApiError(
            _("%(name)s must be a whole number from %(least)s to %(most)s.")
            % {"name": name, "least": least, "most": most}
        )
    return int(text)


def _cached(response: ResponseType) -> ResponseType:
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


def _links(request: HttpRequest, queue: Queue) -> dict[str, str]:
    def url(name: str) -> str:
        return request.build_absolute_uri(reverse(name, args=[queue.slug]))

    return {
        "ledger_url": url("queues_api:ledger"),
        "download_url": url("queues_api:ledger_download"),
        "roots_url": url("queues_api:roots"),
        "verify_page_url": request.build_absolute_uri(reverse("queues:verify", args=[queue.slug])),
    }


@api_view()
def queues_api(request: HttpRequest) -> HttpResponse:
    """Every queue, its head and where its ledger is published."""
    return _cached(
        _json(
            {
                "queues": [
                    {
                        "queue": queue.slug,
                        "name": queue.name,
                        "accepts_applications": queue.is_open,
                        "head": {"sequence": head_sequence, "hash": head_hash},
                        **_links(request, queue),
                    }
                    for queue, head_sequence, head_hash in queues_with_ledger_heads()
                ],
                "verify_script_url": request.build_absolute_uri(
                    reverse("queues_api:verify_script")
                ),
            }
        )
    )


@api_view()
def queue_ledger_api(request: HttpRequest, slug: str) -> HttpResponse:
    """One page of a queue's ledger (entries after ?after=, at most ?limit=), head, roots."""
    queue = _queue_get(slug)
    after = _whole_number(request, "after", 0, least=0, most=2**62)
    limit = _whole_number(request, "limit", PAGE_DEFAULT, least=1, most=PAGE_MAX)
    head_sequence, head_hash = ledger_head(queue)
    entries = list(ledger_entries(queue, after=after, limit=limit))
    following = None
    if entries and entries[-1]["sequence"] < head_sequence:
        query = urlencode({"after": entries[-1]["sequence"], "limit": limit})
        following = request.build_absolute_uri(f"{request.path}?{query}")
    return _cached(
        _json(
            {
                "queue": queue.slug,
                "name": queue.name,
                "head": {"sequence": head_sequence, "hash": head_hash},
                "hash_rule": (
                    'entry_hash = sha256(previous_hash + "\\n" + canonical JSON of the entry '
                    "without previous_hash and entry_hash: keys sorted, no spaces, UTF-8); "
                    "the first entry's previous_hash is 64 zeros"
                ),
                "entries": entries,
                "next": following,
                "roots": ledger_roots(queue),
                **_links(request, queue),
            }
        )
    )


def _lines(queue: Queue, after: int) -> Iterator[str]:
    chunk: list[str] = []
    for entry in ledger_entries(queue, after=after):
        chunk.append(canonical_json(entry) + "\n")
        if len(chunk) == LINES_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)


@api_view()
def queue_ledger_download(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The whole ledger (or the entries after ?after=) as JSON Lines, streamed."""
    queue = _queue_get(slug)
    after = _whole_number(request, "after", 0, least=0, most=2**62)
    response = StreamingHttpResponse(
        _lines(queue, after), content_type="application/jsonl; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{queue.slug}-ledger.jsonl"'
    return _cached(response)


@api_view()
def queue_roots_api(request: HttpRequest, slug: str) -> HttpResponse:
    """The roots published for a queue, oldest first."""
    queue = _queue_get(slug)
    return _cached(_json(ledger_roots(queue)))


@api_view()
def verify_script(request: HttpRequest) -> FileResponse:
    """The standalone checker, to run with any Python 3 (standard library only)."""
    response = FileResponse(VERIFY_SCRIPT.open("rb"), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ledger_verify.py"'
    return _cached(response)


def _json(data: object) -> HttpResponse:
    # ensure_ascii off: Kazakh and Russian names stay readable (and shorter) in the JSON.
    return JsonResponse(data, safe=False, json_dumps_params={"ensure_ascii": False})


@api_view()
def application_position_api(request: HttpRequest, number: str) -> HttpResponse:
    """Status, position and how many wait ahead of one application."""
    standing = application_standing(number.strip())
    if standing is None:
        raise ApplicationNotFound(
            _("No application numbered “%(number)s”. Check the number on your receipt.")
            % {"number": number.strip()[:40]}
        )
    return _cached(
        _json(
            {
                "number": standing.number,
                "queue": standing.queue_slug,
                "queue_name": standing.queue_name,
                "filed_at": timestamp_text(standing.filed_at),
                "status": standing.status,
                "status_label": standing.status_label,
                "ahead": standing.ahead,
                "position": standing.position,
            }
        )
    )
