"""Public pages of the parcel registry."""

from django.urls import path, register_converter

from parcels import views


class CadastralNumberConverter:
    regex = r"[0-9]{2}-[0-9]{3}-[0-9]{3}-[0-9]{3}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CadastralNumberConverter, "cadastral")

app_name = "parcels"
urlpatterns = [
    path("", views.parcel_search_page, name="search"),
    path("<cadastral:cadastral_number>/", views.parcel_page, name="detail"),
]
