from django.contrib.auth import views as auth_views
from django.urls import path

from staff import views

app_name = "staff"
urlpatterns = [
    path("", views.staff_home, name="home"),
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", views.audit_log, name="audit"),
]
