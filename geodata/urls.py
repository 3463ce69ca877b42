"""The URLs of the plans app, one list per door; rgis/urls.py mounts each under its prefix.

- public_patterns: the public pages of plans, layers and versions, and their downloads,
  at /<language>/plans/ (namespace "plans");
- ogc_patterns: OGC API – Features at /ogc/ (namespace "ogc"; no language prefix: clients
  such as GDAL and QGIS call it);
- lookup_patterns: the what's-here API at /api/ (its name "whats_here" has no namespace);
- staff_patterns: the planners' pages (upload, preview, import, publish) at
  /<language>/staff/imports/ (namespace "imports");
- api_patterns: the import API at /api/imports/ (namespace "imports-api");
- tile_patterns: the vector tiles of plan layers, /tiles/<plan>.<layer>.json and its
  tiles (namespace "tiles"; the lean path in geodata/tile_server.py answers the same URLs
  in front of Django).
"""

from django.urls import path, re_path, register_converter

from geodata.tiles import PublicIdConverter
from geodata.views import public, staff
from geodata.views.api import imports, lookups, ogc, tiles

register_converter(PublicIdConverter, "public_id")

public_patterns = [
    path("", public.plan_list_page, name="list"),
    path("<slug:slug>/", public.plan_detail_page, name="detail"),
    path("<slug:slug>/<slug:layer_slug>/", public.layer_page, name="layer"),
    path("<slug:slug>/<slug:layer_slug>/v<int:number>/", public.version_page, name="version"),
    path(
        "<slug:slug>/<slug:layer_slug>/v<int:number>/download/<str:file_format>/",
        public.version_download,
        name="download",
    ),
]

# A trailing slash is tolerated: clients join URLs in both ways.
ogc_patterns = [
    re_path(r"^$", ogc.landing, name="landing"),
    re_path(r"^api/?$", ogc.api, name="api"),
    re_path(r"^conformance/?$", ogc.conformance, name="conformance"),
    re_path(r"^collections/?$", ogc.collections, name="collections"),
    re_path(r"^collections/(?P<collection_id>[^/]+)/?$", ogc.collection, name="collection"),
    re_path(r"^collections/(?P<collection_id>[^/]+)/items/?$", ogc.items, name="items"),
    re_path(
        r"^collections/(?P<collection_id>[^/]+)/items/(?P<feature_id>[^/]+)/?$",
        ogc.item,
        name="item",
    ),
]

lookup_patterns = [
    path("whats-here", lookups.whats_here_api, name="whats_here"),
]

staff_patterns = [
    path("new/", staff.import_new, name="new"),
    path("<uuid:job_id>/", staff.import_detail, name="detail"),
    path("versions/", staff.versions_awaiting, name="awaiting"),
    path("versions/<int:version_id>/publish/", staff.version_publish, name="publish"),
]

api_patterns = [
    path("", imports.import_create, name="create"),
    path("<uuid:job_id>", imports.import_detail, name="detail"),
    path("<uuid:job_id>/inspect", imports.import_inspect, name="inspect"),
    path("<uuid:job_id>/start", imports.import_start, name="start"),
    path("versions/<int:version_id>/publish", imports.version_publish, name="publish"),
]

tile_patterns = [
    path("<public_id:public_id>.json", tiles.tilejson, name="tilejson"),
    path("<public_id:public_id>/<int:z>/<int:x>/<int:y>.mvt", tiles.tile, name="tile"),
]
