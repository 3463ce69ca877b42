"""No public page or public API shows an applicant's IIN, full name, e-mail or phone.

The scan seeds applications in every status (with contacts and ledger entries), then asks
every GET route of the project that is not staff or admin, found by walking the URL
resolver (new routes are scanned without editing this file), with parameters filled from
the seeded objects, in every language, plain and with the query strings the pages read;
then the IIN look-up. It fails on any seeded personal datum in a body or a Location header,
found however it is written (spaced IIN, JSON-escaped Cyrillic, percent-encoded, phone with
other separators). The first tests prove the scanner does flag what it must.
"""

import contextlib
import html
import itertools
import json
import re
import urllib.parse
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import LocalePrefixPattern, RegexPattern, RoutePattern
from django.utils import translation

from queues.selectors import public as public_selectors
from rgis.personal import name_mask
from tests.queues.public_seed import PEOPLE, Person, Seed, seed_public_queues

pytestmark = pytest.mark.django_db

# Routes for signed-in staff only: their pages show personal data by design.
STAFF_PREFIXES = ("admin/", "staff/", "api/staff/")


class PersonalDataScanner:
    """Finds seeded personal data in response text, however it is written."""

    def __init__(self, people: list[Person]) -> None:
        self.patterns: list[tuple[str, re.Pattern[str]]] = []
        separators = r"[\s\u00a0\u202f().+\-]*"
        for person in people:
            self.patterns.append(
                (f"IIN of {person.email}", re.compile(separators.join(person.iin)))
            )
            masked = name_mask(person.full_name)
            for word in person.full_name.split():
                if len(word) > 3 and word not in masked:
                    self.patterns.append(
                        (f"name word {word!r}", re.compile(re.escape(word), re.IGNORECASE))
                    )
            local_part = person.email.split("@")[0]
            self.patterns.append(
                (f"e-mail {person.email}", re.compile(re.escape(local_part), re.IGNORECASE))
            )
            # The subscriber number without the country or trunk prefix (+7 or 8).
            digits = re.sub(r"\D", "", person.phone)[-10:]
            self.patterns.append((f"phone {person.phone}", re.compile(separators.join(digits))))

    @staticmethod
    def readings(text: str) -> Iterator[str]:
        """The text as a reader or a program would decode it."""
        yield text
        yield html.unescape(text)
        yield urllib.parse.unquote(text)
        yield urllib.parse.unquote_plus(html.unescape(text))
        with contextlib.suppress(ValueError):
            yield json.dumps(json.loads(text), ensure_ascii=False)

    def hits(self, text: str) -> list[str]:
        found = []
        for label, pattern in self.patterns:
            for reading in self.readings(text):
                match = pattern.search(reading)
                if match:
                    start = max(0, match.start() - 60)
                    found.append(f"{label}: …{reading[start : match.end() + 60]}…")
                    break
        return found

    def response_hits(self, response: HttpResponse) -> list[str]:
        if getattr(response, "streaming", False):
            body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        else:
            body = response.content
        text = body.decode("utf-8", errors="replace")
        return self.hits(text + "\n" + response.get("Location", ""))


# ----------------------------------------------------------------------------- the scanner


@pytest.fixture
def scanner():
    return PersonalDataScanner(PEOPLE)


def test_the_scanner_flags_each_kind_of_personal_data(scanner):
    person = PEOPLE[0]
    surname, first_name, _patronymic = person.full_name.split()
    iin = person.iin
    leaks = {
        "surname in a page": f"<td>{surname}</td>",
        "first name in capitals": f"<p>{first_name.upper()}</p>",
        "IIN with spaces": f"ИИН: {iin[:3]} {iin[3:6]} {iin[6:9]} {iin[9:]}",
        "IIN with non-breaking spaces": f"{iin[:6]}\u00a0{iin[6:]}",
        "name escaped in JSON": json.dumps({"name": person.full_name}),
        "name percent-encoded in a link": f'<a href="/x?q={urllib.parse.quote(surname)}">',
        "e-mail": f"write to {person.email.upper()}",
        "e-mail as an HTML entity": person.email.replace("@", "&#64;"),
        "phone, other separators": "+7 (701) 555-01-01",
        "phone, trunk prefix": "87015550101",
    }
    for what, text in leaks.items():
        assert scanner.hits(text), f"the scanner missed the {what}: {text}"


def test_the_scanner_lets_masked_names_and_other_numbers_pass(scanner):
    page = " ".join(
        f"<tr><td>{name_mask(person.full_name)}</td><td>TARAZ-IZHS-2026-{index:07d}</td></tr>"
        for index, person in enumerate(PEOPLE)
    )
    assert scanner.hits(page + "1 204 → 1 187 Тараз 06-097-012-345") == []


# ---------------------------------------------------------------------- the public routes


def _walk(patterns, prefix: list, converters=None, names=()) -> Iterator[tuple[list, dict, str]]:
    """(pattern pieces, converters, namespaced name) of every URL pattern under `patterns`."""
    converters = converters or {}
    for entry in patterns:
        pieces = [*prefix, entry.pattern]
        merged = {**converters, **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            namespace = (*names, entry.namespace) if entry.namespace else names
            yield from _walk(entry.url_patterns, pieces, merged, namespace)
        elif isinstance(entry, URLPattern):
            yield pieces, merged, ":".join([*names, entry.name or "?"])


def _piece_text(pattern, language: str) -> str | None:
    """A pattern as URL text with `<name>` placeholders; None if it cannot be written."""
    if isinstance(pattern, LocalePrefixPattern):
        return f"{language}/"
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"<\1>", str(pattern))
    if isinstance(pattern, RegexPattern):
        text = str(pattern).removeprefix("^").removesuffix("$").replace("/?", "/")
        text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", text)
        return None if re.search(r"[\\()\[\]*+?^$|]", text) else text
    return None


def public_routes() -> Iterator[tuple[str, dict, str, str]]:
    """Every non-staff route as (template, converters, name, language), once per language.

    A template that cannot be written out (an unusual regex) starts with "<unwritable".
    """
    for pieces, converters, name in _walk(get_resolver().url_patterns, []):
        i18n = any(isinstance(piece, LocalePrefixPattern) for piece in pieces)
        languages = [code for code, _name in settings.LANGUAGES] if i18n else [""]
        for language in languages:
            texts = [_piece_text(piece, language) for piece in pieces]
            template = None if None in texts else "".join(texts)  # type: ignore[arg-type]
            bare = "".join(t for t in texts if t) if template is None else template
            if language:
                bare = bare.removeprefix(f"{language}/")
            if bare.startswith(STAFF_PREFIXES):
                continue
            yield template or f"<unwritable {pieces}>", converters, name, language


STOCK_VALUES = ["taraz-izhs", "plan.layer", "1", "00000000-0000-0000-0000-000000000000", "x"]


def _values(seed: Seed) -> dict[str, list[str]]:
    """Parameter values by name, from the seeded objects."""
    numbers = [a.number for a in seed.applications]
    cadastral = [p.cadastral_number for p in seed.parcels]
    slugs = [q.slug for q in seed.queues]
    return {
        "number": numbers + cadastral,
        "application": numbers,
        "application_number": numbers,
        "cadastral_number": cadastral,
        "parcel": cadastral,
        "queue": slugs,
        "queue_slug": slugs,
        "slug": slugs,
        "_str": [*slugs[:1], numbers[0], numbers[4], cadastral[0]],
    }


def _candidates(name: str, converter, values: dict[str, list[str]]) -> list[str]:
    regex = getattr(converter, "regex", "[^/]+")
    named = [v for v in values.get(name, values["_str"]) if re.fullmatch(regex, v)]
    stock = [v for v in STOCK_VALUES if re.fullmatch(regex, v)]
    return named or stock[:1]


def public_urls(seed: Seed) -> tuple[list[tuple[str, str]], list[str]]:
    """(url, route name) for every public GET route, and the routes that could not be built."""
    values = _values(seed)
    urls: list[tuple[str, str]] = []
    unbuilt: list[str] = []
    for template, converters, name, language in public_routes():
        if template.startswith("<unwritable"):
            unbuilt.append(f"{name}: {template}")
            continue
        parameters = re.findall(r"<(\w+)>", template)
        choices = [_candidates(p, converters.get(p), values) for p in parameters]
        built = 0
        for combination in itertools.islice(itertools.product(*choices), 40):
            path = template
            for parameter, value in zip(parameters, combination, strict=True):
                path = path.replace(f"<{parameter}>", value, 1)
            url = "/" + path
            try:
                # The language prefix matches only while its language is active.
                with translation.override(language or settings.LANGUAGE_CODE):
                    resolve(url)
            except Resolver404:
                continue
            urls.append((url, name))
            built += 1
        if not built:
            unbuilt.append(f"{name}: {template}")
    return urls, unbuilt


def _query_variants(seed: Seed) -> list[str]:
    waiting = seed.applications[7].number
    return ["", f"?number={waiting}", f"?q={waiting}", "?page=1", f"?number={waiting}&page=2"]


def _scan(client, scanner, seed) -> tuple[dict[str, list[str]], list[str], set[str], str]:
    """Every public response: leaks by URL, server errors, names of routes seen, all text."""
    urls, unbuilt = public_urls(seed)
    assert not unbuilt, (
        "The privacy scan cannot build these routes' URLs; add values for their parameters "
        f"in _values(): {unbuilt}"
    )
    leaks: dict[str, list[str]] = {}
    errors: list[str] = []
    seen: set[str] = set()
    texts: list[str] = []
    for (url, name), query in itertools.product(urls, _query_variants(seed)):
        response = client.get(url + query, HTTP_ACCEPT_LANGUAGE="ru")
        seen.add(name)
        if response.status_code >= 500:
            errors.append(f"{url}{query}: {response.status_code}")
            continue
        found = scanner.response_hits(response)
        if found:
            leaks[url + query] = found
        texts.append(response.content.decode(errors="replace") if not response.streaming else "")
    # The IIN look-up: found, found in two queues, wrong, unknown, and rate-limited.
    cache.clear()
    for language in ("kk", "ru", "en"):
        for iin in [PEOPLE[0].iin, PEOPLE[6].iin, "791028302729", "900101300007"]:
            response = client.post(f"/{language}/queues/lookup/", {"iin": iin})
            found = scanner.response_hits(response)
            if found:
                leaks[f"POST /{language}/queues/lookup/ iin"] = found
            texts.append(response.content.decode())
    for _attempt in range(12):
        limited = client.post("/ru/queues/lookup/", {"iin": PEOPLE[0].iin})
    assert limited.status_code == 429
    if scanner.response_hits(limited):
        leaks["POST /ru/queues/lookup/ iin, rate-limited"] = scanner.response_hits(limited)
    return leaks, errors, seen, "\n".join(texts)


@pytest.fixture
def seed():
    cache.clear()
    return seed_public_queues()


def test_no_public_page_or_api_shows_personal_data(client, scanner, seed):
    leaks, errors, seen, texts = _scan(client, scanner, seed)

    assert not leaks, "Personal data on public pages:\n" + "\n".join(
        f"{url}\n    " + "\n    ".join(found) for url, found in leaks.items()
    )
    assert not errors, f"Server errors on public pages: {errors}"
    # The scan reached the pages that show applications, with the seeded data in them.
    assert {"queues:lookup", "queues:list", "queues:queue", "home"} <= seen
    for application in seed.applications:
        assert application.number in texts, f"no public page showed {application.number}"
    assert name_mask(PEOPLE[3].full_name) in texts


def test_the_scan_catches_a_page_that_leaks_a_name(client, scanner, seed, monkeypatch):
    # Break the masking of the public queue list: the scan must notice.
    monkeypatch.setattr(public_selectors, "name_mask", lambda full_name: full_name)
    leaks, _errors, _seen, _texts = _scan(client, scanner, seed)
    leaking = [url for url in leaks if "/queues/taraz-izhs/" in url]
    assert leaking, "the scan did not notice full names on the public queue list"
    assert any(PEOPLE[3].full_name.split()[0] in hit for hit in leaks[leaking[0]])
