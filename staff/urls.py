"""The staff app's doors: its pages under /<language>/staff/ and its JSON API under
/api/staff/. rgis/urls.py mounts each list with its namespace ("staff", "staff-api")."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path

from staff.views import api, staff

staff_patterns: list[URLPattern] = [
    path("", staff.staff_home, name="home"),
    path("login/", staff.StaffLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", staff.audit_log, name="audit"),
    path("outbox/", staff.outbox, name="outbox"),
    path("outbox/<int:letter_id>/retry/", staff.outbox_retry, name="outbox_retry"),
]

api_patterns: list[URLPattern] = [
    path("me", api.me, name="me"),
    path("audit", api.audit, name="audit"),
]
