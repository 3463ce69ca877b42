"""The queues' URLs, one list per door; rgis/urls.py mounts each under its namespace."""

from django.urls import path

from queues.views import api, public
from queues.views.staff import applications, imports, offers, queues

# The residents' pages, /<lang>/queues/ ... (no sign-in); namespace "queues".
public_patterns = [
    path("", public.queue_list, name="list"),
    path("lookup/", public.lookup, name="lookup"),
    path("<slug:slug>/", public.queue_detail, name="queue"),
    path("<slug:slug>/verify/", public.ledger_verify_page, name="verify"),
]

# Queue officers' pages, /<lang>/staff/queues/ ...; namespace "queue_staff".
staff_patterns = [
    path("", queues.queue_list, name="list"),
    path("applications/<int:pk>/", applications.application_detail, name="application"),
    path(
        "applications/<int:pk>/backdate/",
        applications.application_backdate_view,
        name="backdate",
    ),
    path("applications/<int:pk>/iin/", applications.application_iin_view, name="iin"),
    path("applications/<int:pk>/verify/", applications.application_verify_view, name="verify"),
    path("applications/<int:pk>/remove/", applications.application_remove_view, name="remove"),
    path("applications/<int:pk>/correct/", applications.application_correct_view, name="correct"),
    path("offers/<int:pk>/accept/", offers.offer_accept_view, name="offer_accept"),
    path("offers/<int:pk>/refuse/", offers.offer_refuse_view, name="offer_refuse"),
    path(
        "offers/<int:pk>/refuse/confirm/",
        offers.offer_refusal_confirm_view,
        name="offer_refusal_confirm",
    ),
    path(
        "offers/<int:pk>/refuse/reject/",
        offers.offer_refusal_reject_view,
        name="offer_refusal_reject",
    ),
    path("<slug:slug>/", queues.queue_detail, name="queue"),
    path("<slug:slug>/register/", applications.application_new, name="register"),
    path("<slug:slug>/offer/", offers.queue_offer, name="offer"),
    path("<slug:slug>/draw/", offers.queue_draw, name="draw"),
    path("<slug:slug>/pending/", queues.queue_pending, name="pending"),
    path("<slug:slug>/import/", imports.register_upload, name="import"),
    path("<slug:slug>/import/report/", imports.register_report, name="import_report"),
]

# The published ledgers, /api/queues/ ...; namespace "queues_api".
api_patterns = [
    path("", api.queues_api, name="list"),
    path("ledger_verify.py", api.verify_script, name="verify_script"),
    path("<slug:slug>/ledger", api.queue_ledger_api, name="ledger"),
    path("<slug:slug>/ledger.jsonl", api.queue_ledger_download, name="ledger_download"),
    path("<slug:slug>/roots", api.queue_roots_api, name="roots"),
]

# A resident's place in line, /api/queues/applications/<number>; no namespace.
position_api_patterns = [
    path("<str:number>", api.application_position_api, name="queue_application_position"),
]
