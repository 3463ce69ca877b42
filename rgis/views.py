from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rgis.maps.home import home_map_render
from rgis.search import search_sections


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "rgis/home.html", {"map": home_map_render()})


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    too_short = 0 < len(query) < 2
    sections = search_sections(query) if query and not too_short else []
    return render(
        request,
        "rgis/search.html",
        {"search_query": query, "too_short": too_short, "sections": sections},
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For the proxy and orchestrators: the web process answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
