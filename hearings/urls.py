"""The hearings' URLconf: the residents' pages and the organiser's (rgis/urls.py mounts them)."""

from django.urls import path

from hearings.views import public, staff

# /<lang>/hearings/, namespace "hearings"
public_patterns = [
    path("", public.hearing_list, name="list"),
    path("<slug:key>/", public.hearing_detail, name="detail"),
    path("<slug:key>/comment/", public.comment_new, name="comment"),
    path("<slug:key>/comments.geojson", public.hearing_comments_json, name="comments_geojson"),
    path("<slug:key>/documents/<int:pk>/", public.hearing_document, name="document"),
    path("<slug:key>/photos/<int:pk>/", public.comment_photo, name="photo"),
]

# /<lang>/staff/hearings/, namespace "hearings_staff"
staff_patterns = [
    path("", staff.hearing_list, name="list"),
    path("new/", staff.hearing_new, name="new"),
    path("<int:pk>/", staff.hearing_board, name="board"),
    path("<int:pk>/edit/", staff.hearing_edit, name="edit"),
    path("<int:pk>/meetings/", staff.meeting_new, name="meeting_add"),
    path("<int:pk>/documents/", staff.document_new, name="document_add"),
    path("<int:pk>/status/", staff.hearing_status, name="status"),
    path("<int:pk>/comments/new/", staff.comment_enter, name="comment_enter"),
    path("<int:pk>/comments/<int:number>/answer/", staff.comment_answer_page, name="answer"),
]
