from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url


def portal(request: HttpRequest) -> dict:
    """Language switcher links for the current page, and portal-wide names."""
    path = request.get_full_path()
    return {
        "language_links": [
            {"code": code, "name": name, "url": translate_url(path, code)}
            for code, name in settings.LANGUAGES
        ],
        "city_name": settings.RGIS_CITY_NAME,
    }
