"""The appeals' URLs, one list per door, each mounted by rgis/urls.py with its namespace:

- public_patterns: the residents' pages, /<lang>/appeals/ ... ("appeals", no sign-in);
- staff_patterns: /<lang>/staff/appeals/ ... ("appeals_staff");
- api_patterns: the public JSON, /api/appeals/ ... ("appeals_api", public fields only);
- open311_patterns: Open311 GeoReport v2, /open311/v2/ ... ("open311", not
  language-prefixed), each endpoint in .json and .xml.
"""

from collections.abc import Callable

from django.http.response import HttpResponseBase
from django.urls import URLPattern, path

from appeals.views.api import open311
from appeals.views.api import public as api
from appeals.views.public import appeal, dashboard, filing, following, journal, photos
from appeals.views.staff import actions, board, office

public_patterns = [
    path("", journal.appeal_list, name="list"),
    path("new/", filing.appeal_new, name="new"),
    path("journal/", journal.appeal_journal, name="journal"),
    path("journal.csv", journal.appeal_journal_csv, name="journal_csv"),
    path("dashboard/", dashboard.appeal_dashboard, name="dashboard"),
    path("<str:number>/", appeal.appeal_detail, name="detail"),
    path("<str:number>/receipt/", filing.appeal_receipt, name="receipt"),
    path("<str:number>/follow/", following.appeal_follow_page, name="follow"),
    path("<str:number>/follow/<str:token>/", following.appeal_follower_page, name="follower"),
    path("<str:number>/photos/<int:photo_id>/", photos.appeal_photo, name="photo"),
]

staff_patterns = [
    path("", board.board, name="board"),
    path("new/", office.front_office, name="new"),
    path("<str:number>/", board.appeal_detail, name="detail"),
    path("<str:number>/receipt/", office.receipt, name="receipt"),
    path("<str:number>/iin/", board.iin_show_view, name="iin_show"),
    path("<str:number>/take/", actions.take_view, name="take"),
    path("<str:number>/reassign/", actions.reassign_view, name="reassign"),
    path("<str:number>/forward/", actions.forward_view, name="forward"),
    path("<str:number>/extend/", actions.extend_view, name="extend"),
    path("<str:number>/answer/", actions.answer_view, name="answer"),
    path("<str:number>/reject/", actions.reject_view, name="reject"),
    path("<str:number>/close/", actions.close_view, name="close"),
    path("<str:number>/hide-text/", actions.text_hide_view, name="text_hide"),
    path("<str:number>/show-text/", actions.text_unhide_view, name="text_unhide"),
    path("<str:number>/photos/<int:pk>/hide/", actions.photo_hide_view, name="photo_hide"),
    path("<str:number>/photos/<int:pk>/show/", actions.photo_unhide_view, name="photo_unhide"),
]

api_patterns = [
    path("nearby", api.nearby_api, name="nearby"),
    path("places", api.places_api, name="places"),
    path("map", api.map_api, name="map"),
]

OPEN311_FORMATS = ("json", "xml")


def _open311_both(route: str, view: Callable[..., HttpResponseBase], name: str) -> list[URLPattern]:
    # Plain routes, one per format (the format passed to the view), so that tools walking
    # the URL resolver (the privacy scan) can write every address out.
    return [
        path(f"{route}.{fmt}", view, {"fmt": fmt}, name=name if fmt == "json" else f"{name}_xml")
        for fmt in OPEN311_FORMATS
    ]


open311_patterns = [
    path("", open311.discovery, {"fmt": "json"}, name="root"),
    *_open311_both("discovery", open311.discovery, "discovery"),
    *_open311_both("services", open311.service_list, "services"),
    *_open311_both("services/<str:code>", open311.service_definition, "service"),
    *_open311_both("requests", open311.requests_endpoint, "requests"),
    *_open311_both("requests/<str:number>", open311.request_detail, "request"),
    *_open311_both("tokens/<str:token>", open311.token_detail, "token"),
    # Anything else: a 404 in the spec's format (XML when the address asks for it).
    path("<path:rest>", open311.not_found, name="not_found"),
]
