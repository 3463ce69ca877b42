"""The residents' appeal pages: /<lang>/appeals/ ... (no sign-in)."""

from django.urls import path

from appeals import photo_views, public_views

app_name = "appeals"
urlpatterns = [
    path("", public_views.appeal_list, name="list"),
    path("new/", public_views.appeal_new, name="new"),
    path("journal/", public_views.appeal_journal, name="journal"),
    path("journal.csv", public_views.appeal_journal_csv, name="journal_csv"),
    path("dashboard/", public_views.appeal_dashboard, name="dashboard"),
    path("<str:number>/", public_views.appeal_detail, name="detail"),
    path("<str:number>/receipt/", public_views.appeal_receipt, name="receipt"),
    path("<str:number>/follow/", public_views.appeal_follow_page, name="follow"),
    path("<str:number>/follow/<str:token>/", public_views.appeal_follower_page, name="follower"),
    path("<str:number>/photos/<int:photo_id>/", photo_views.appeal_photo, name="photo"),
]
