"""The residents' queue pages: /<lang>/queues/ ... (no sign-in)."""

from django.urls import path

from queues import public_views

app_name = "queues"
urlpatterns = [
    path("", public_views.queue_list, name="list"),
    path("lookup/", public_views.lookup, name="lookup"),
    path("<slug:slug>/", public_views.queue_detail, name="queue"),
    path("<slug:slug>/verify/", public_views.ledger_verify_page, name="verify"),
]
