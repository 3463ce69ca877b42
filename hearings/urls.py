"""The hearings' URLconf: the residents' pages and the organiser's (rgis/urls.py mounts them)."""

from django.urls import path

from hearings.views import public
from hearings.views.staff import moderation, organising

# /<lang>/hearings/, namespace "hearings"
public_patterns = [
    path("", public.hearing_list, name="list"),
    path("<slug:key>/", public.hearing_detail, name="detail"),
    path("<slug:key>/comment/", public.comment_new, name="comment"),
    path("<slug:key>/comments.geojson", public.hearing_comments_json, name="comments_geojson"),
    path("<slug:key>/documents/<int:pk>/", public.hearing_document, name="document"),
    path("<slug:key>/photos/<int:pk>/", public.comment_photo, name="photo"),
    path(
        "<slug:key>/comments/<int:number>/report/",
        public.comment_report_page,
        name="report",
    ),
]

# /<lang>/staff/hearings/, namespace "hearings_staff"
staff_patterns = [
    path("", organising.hearing_list, name="list"),
    path("new/", organising.hearing_new, name="new"),
    path("<int:pk>/", organising.hearing_board, name="board"),
    path("<int:pk>/edit/", organising.hearing_edit, name="edit"),
    path("<int:pk>/meetings/", organising.meeting_new, name="meeting_add"),
    path("<int:pk>/documents/", organising.document_new, name="document_add"),
    path("<int:pk>/status/", organising.hearing_status, name="status"),
    path("<int:pk>/comments/new/", organising.comment_enter, name="comment_enter"),
    path("<int:pk>/comments/<int:number>/answer/", organising.comment_answer_page, name="answer"),
    path("moderation/", moderation.moderation_list, name="moderation"),
    path(
        "<int:pk>/comments/<int:number>/moderate/",
        moderation.comment_moderate,
        name="moderate",
    ),
]
