from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_urlconf, translate_url
from django.utils.translation import get_language


def portal(request: HttpRequest) -> dict:
    """Language switcher links for the current page, and portal-wide names."""
    links = _language_links(request.get_full_path(), get_language(), get_urlconf())
    return {"language_links": links, "city_name": settings.RGIS_CITY_NAME}


# Every page shows the links; each one resolves the path and reverses it again (about a
# tenth of a small page's time). The same path in the same language gives the same links.
@lru_cache(maxsize=1024)
def _language_links(path: str, language: str, urlconf: str | None) -> tuple[dict, ...]:
    return tuple(
        {"code": code, "name": name, "url": translate_url(path, code)}
        for code, name in settings.LANGUAGES
    )
