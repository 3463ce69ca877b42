"""OGC API – Features at /ogc/ (no language prefix: clients such as GDAL and QGIS call it)."""

from django.urls import re_path

from geodata import ogc

# A trailing slash is tolerated: clients join URLs in both ways.
app_name = "ogc"
urlpatterns = [
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
