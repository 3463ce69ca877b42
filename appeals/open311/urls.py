"""Open311 GeoReport v2 endpoints, each in .json and .xml (not language-prefixed)."""

from django.urls import path, re_path

from appeals.open311 import views

FORMAT = r"\.(?P<fmt>json|xml)"

app_name = "open311"
urlpatterns = [
    path("", views.discovery, {"fmt": "json"}, name="root"),
    re_path(rf"^discovery{FORMAT}$", views.discovery, name="discovery"),
    re_path(rf"^services{FORMAT}$", views.service_list, name="services"),
    re_path(rf"^services/(?P<code>[-\w]+){FORMAT}$", views.service_definition, name="service"),
    re_path(rf"^requests{FORMAT}$", views.requests_endpoint, name="requests"),
    re_path(rf"^requests/(?P<number>[-\w]+){FORMAT}$", views.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[-\w]+){FORMAT}$", views.token_detail, name="token"),
    re_path(r"^.*?(?:\.(?P<fmt>json|xml))?$", views.not_found),
]
