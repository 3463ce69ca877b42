from django.urls import path

from staff import api

app_name = "staff-api"
urlpatterns = [
    path("me", api.me, name="me"),
    path("audit", api.audit, name="audit"),
]
