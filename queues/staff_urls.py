"""Queue officers' pages, under /<lang>/staff/queues/."""

from django.urls import path

from queues import staff_views

app_name = "queue_staff"
urlpatterns = [
    path("", staff_views.queue_list, name="list"),
    path("applications/<int:pk>/", staff_views.application_detail, name="application"),
    path("applications/<int:pk>/backdate/", staff_views.application_backdate_view, name="backdate"),
    path("applications/<int:pk>/iin/", staff_views.application_iin_view, name="iin"),
    path("applications/<int:pk>/verify/", staff_views.application_verify_view, name="verify"),
    path("applications/<int:pk>/remove/", staff_views.application_remove_view, name="remove"),
    path("applications/<int:pk>/correct/", staff_views.application_correct_view, name="correct"),
    path("offers/<int:pk>/accept/", staff_views.offer_accept_view, name="offer_accept"),
    path("offers/<int:pk>/refuse/", staff_views.offer_refuse_view, name="offer_refuse"),
    path(
        "offers/<int:pk>/refuse/confirm/",
        staff_views.offer_refusal_confirm_view,
        name="offer_refusal_confirm",
    ),
    path(
        "offers/<int:pk>/refuse/reject/",
        staff_views.offer_refusal_reject_view,
        name="offer_refusal_reject",
    ),
    path("<slug:slug>/", staff_views.queue_detail, name="queue"),
    path("<slug:slug>/register/", staff_views.application_new, name="register"),
    path("<slug:slug>/offer/", staff_views.queue_offer, name="offer"),
    path("<slug:slug>/draw/", staff_views.queue_draw, name="draw"),
    path("<slug:slug>/pending/", staff_views.queue_pending, name="pending"),
    path("<slug:slug>/import/", staff_views.register_upload, name="import"),
    path("<slug:slug>/import/report/", staff_views.register_report, name="import_report"),
]
