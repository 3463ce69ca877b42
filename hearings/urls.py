"""The hearings' URLconf: the residents' pages and the organiser's (rgis/urls.py mounts them)."""

from django.urls import path

from hearings.views.public import open_data, pages, protocol
from hearings.views.staff import moderation, organising

# /<lang>/hearings/, namespace "hearings"
public_patterns = [
    path("", pages.hearing_list, name="list"),
    path("<slug:key>/", pages.hearing_detail, name="detail"),
    path("<slug:key>/comment/", pages.comment_new, name="comment"),
    path("<slug:key>/comments.geojson", pages.hearing_comments_json, name="comments_geojson"),
    path("<slug:key>/documents/<int:pk>/", pages.hearing_document, name="document"),
    path("<slug:key>/photos/<int:pk>/", pages.comment_photo, name="photo"),
    path(
        "<slug:key>/comments/<int:number>/report/",
        pages.comment_report_page,
        name="report",
    ),
    # Open data: every comment with its answer (issue 14, item 7).
    path(
        "<slug:key>/open-data/comments.geojson",
        open_data.comments_geojson_export,
        name="export_geojson",
    ),
    path("<slug:key>/open-data/comments.csv", open_data.comments_csv_export, name="export_csv"),
    # The protocol's revisions, frozen (issue 14, item 6).
    path("<slug:key>/protocol/<int:number>/", protocol.protocol_page, name="protocol"),
    path(
        "<slug:key>/protocol/<int:number>.docx",
        protocol.protocol_file,
        {"kind": "docx"},
        name="protocol_docx",
    ),
    path(
        "<slug:key>/protocol/<int:number>.pdf",
        protocol.protocol_file,
        {"kind": "pdf"},
        name="protocol_pdf",
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
    path("<int:pk>/protocol/", organising.protocol_new, name="protocol_generate"),
    path("<int:pk>/comments/new/", organising.comment_enter, name="comment_enter"),
    path("<int:pk>/comments/<int:number>/answer/", organising.comment_answer_page, name="answer"),
    path("moderation/", moderation.moderation_list, name="moderation"),
    path(
        "<int:pk>/comments/<int:number>/moderate/",
        moderation.comment_moderate,
        name="moderate",
    ),
]
