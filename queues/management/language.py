"""The language the queue commands answer in."""

import os

from django.conf import settings


def operator_language(requested: object = None) -> str:
    """The language of a command's output: --language, else the shell's LANG, else the site's."""
    codes = {code for code, _name in settings.LANGUAGES}
    for candidate in (requested, os.environ.get("LC_ALL"), os.environ.get("LANG")):
        if candidate and str(candidate)[:2].lower() in codes:
            return str(candidate)[:2].lower()
    return settings.LANGUAGE_CODE
