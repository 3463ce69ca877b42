"""Appeals staff pages, under /<lang>/staff/appeals/."""

from django.urls import path

from appeals import staff_views

app_name = "appeals_staff"
urlpatterns = [
    path("", staff_views.board, name="board"),
    path("new/", staff_views.front_office, name="new"),
    path("<str:number>/", staff_views.appeal_detail, name="detail"),
    path("<str:number>/receipt/", staff_views.receipt, name="receipt"),
    path("<str:number>/iin/", staff_views.iin_show_view, name="iin_show"),
    path("<str:number>/take/", staff_views.take_view, name="take"),
    path("<str:number>/reassign/", staff_views.reassign_view, name="reassign"),
    path("<str:number>/forward/", staff_views.forward_view, name="forward"),
    path("<str:number>/extend/", staff_views.extend_view, name="extend"),
    path("<str:number>/answer/", staff_views.answer_view, name="answer"),
    path("<str:number>/reject/", staff_views.reject_view, name="reject"),
    path("<str:number>/close/", staff_views.close_view, name="close"),
    path("<str:number>/hide-text/", staff_views.text_hide_view, name="text_hide"),
    path("<str:number>/show-text/", staff_views.text_unhide_view, name="text_unhide"),
    path("<str:number>/photos/<int:pk>/hide/", staff_views.photo_hide_view, name="photo_hide"),
    path("<str:number>/photos/<int:pk>/show/", staff_views.photo_unhide_view, name="photo_unhide"),
]
