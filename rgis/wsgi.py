"""The WSGI app as deployed: Django, with vector tiles answered on a lean path.

geodata.tile_server.TileServer answers tile requests of remembered layers without Django's
middleware and passes everything else to Django.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rgis.settings.production")
django_application = get_wsgi_application()

from geodata.tile_server import TileServer  # noqa: E402 (needs the apps loaded above)

application = TileServer(django_application)


def _warm_up() -> None:
    """Do now what Django otherwise does lazily in a process's first requests.

    Loading every language's message catalogues, finding which languages exist and
    filling the URLconf's reverse map of each language cost tens of milliseconds of the
    first requests a worker serves. gunicorn loads the app before forking its workers
    (preload_app in docker/gunicorn.conf.py), so each worker, also one that replaces a
    recycled worker, starts with all of this done. No database connection is opened here:
    one made before the fork would be shared by every worker.
    """
    from django.conf import settings
    from django.urls import get_resolver, reverse
    from django.utils import translation

    for code, _name in settings.LANGUAGES:
        translation.get_supported_language_variant(code)
        with translation.override(code):  # loads the language's catalogues
            reverse("home")
    get_resolver().resolve("/healthz")


_warm_up()
