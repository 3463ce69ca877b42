from django.contrib.auth import views as auth_views
from django.urls import path

from staff import outbox_views, views

app_name = "staff"
urlpatterns = [
    path("", views.staff_home, name="home"),
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", views.audit_log, name="audit"),
    path("outbox/", outbox_views.outbox, name="outbox"),
    path("outbox/<int:letter_id>/retry/", outbox_views.outbox_letter_retry, name="outbox_retry"),
]
