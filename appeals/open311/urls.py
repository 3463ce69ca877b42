"""Open311 GeoReport v2 endpoints, each in .json and .xml (not language-prefixed).

Plain routes, one per format (the format passed to the view), so that tools walking the
URL resolver (the privacy scan) can write every address out.
"""

from collections.abc import Callable

from django.urls import URLPattern, path

from appeals.open311 import views

FORMATS = ("json", "xml")


def _both(route: str, view: Callable, name: str) -> list[URLPattern]:
    return [
        path(f"{route}.{fmt}", view, {"fmt": fmt}, name=name if fmt == "json" else f"{name}_xml")
        for fmt in FORMATS
    ]


app_name = "open311"
urlpatterns = [
    path("", views.discovery, {"fmt": "json"}, name="root"),
    *_both("discovery", views.discovery, "discovery"),
    *_both("services", views.service_list, "services"),
    *_both("services/<str:code>", views.service_definition, "service"),
    *_both("requests", views.requests_endpoint, "requests"),
    *_both("requests/<str:number>", views.request_detail, "request"),
    *_both("tokens/<str:token>", views.token_detail, "token"),
    # Anything else: a 404 in the spec's format (XML when the address asks for it).
    path("<path:rest>", views.not_found, name="not_found"),
]
