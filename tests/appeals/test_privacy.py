"""No public page or API shows who filed an appeal, or who follows one.

The queues' privacy scan (tests/queues/test_privacy.py) walks every non-staff GET route;
this one reuses its scanner and route walker with appeals seeded in every status through
the real services (named filers with IIN, e-mail, phone and postal address; an anonymous
one; one filed by an operator; followers; photos; a moderated one), fills the routes'
parameters from them (appeal numbers, photo ids, category codes), adds the query strings
the appeal pages and APIs read, then POSTs to the filing page (the "is it one of these?"
step, the receipt it leads to) and the follow form, and reads the mails followers get.
The last test proves the scan notices a leak in the nearby API.
"""

import datetime
import itertools
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.urls import resolve
from django.urls.exceptions import Resolver404
from django.utils import translation

from appeals.forms.public import filing_key_new
from appeals.models import Appeal, AppealFollower, AppealPhoto
from appeals.selectors.nearby import NearbyAppeal
from appeals.services.filing import Applicant, appeal_file
from appeals.services.following import appeal_follow, follower_confirm
from appeals.services.processing import appeal_answer, appeal_extend, appeal_status_set
from tests.appeals.public_seed import category, jpeg
from tests.factories import StaffUserFactory
from tests.queues.factories import iin_make
from tests.queues.test_privacy import Person, PersonalDataScanner, _candidates, public_routes

pytestmark = pytest.mark.django_db


@dataclass
class Filer:
    person: Person
    postal_address: str


# Names, streets and numbers no page could contain by chance.
FILERS = [
    Filer(
        Person("Омарбекова Жанылсын Тулегеновна", "791028302728", "zhanylsyn.o@example.kz",
               "+7 701 555 8801"),
        "Тараз, Зангартауская улица, 77, кв. 15",
    ),
    Filer(
        Person("Бейсембаев Куандыкжан Оралович", "061211600012", "kuandykzhan@example.kz",
               "8 (702) 555-88-02"),
        "Тараз, Жетіқоңырская улица, 3",
    ),
    Filer(
        Person("Сарсенгалиева Ақмаржан Нуржановна", iin_make(8001), "akmarzhan.s@example.kz",
               "+77055558803"),
        "Тараз, Кокжайлауский переулок, 19",
    ),
    Filer(
        Person("Тастанбеков Ержигит Болатович", iin_make(8002), "erzhigit.t@example.kz",
               "+7 707 555 8804"),
        "Тараз, Алтынемельская улица, 41",
    ),
    Filer(
        Person("Жумагулова Сандугаш Ермековна", iin_make(8003), "sandugash.zh@example.kz",
               "+7 747 555 8805"),
        "Тараз, Шарынкольская улица, 8",
    ),
]  # fmt: skip
FOLLOWERS = ["followerbekov.sayat@example.kz", "neighbour.aruzhan@example.kz"]
NEW_FILER = Filer(
    Person("Кудайбергенова Толганай Маратовна", iin_make(8004), "tolganai.k@example.kz",
           "+7 708 555 8806"),
    "Тараз, Медеуская улица, 5",
)  # fmt: skip


class AppealsPrivacyScanner(PersonalDataScanner):
    """The queues' scanner, plus postal addresses and followers' e-mails."""

    def __init__(self, filers: list[Filer], follower_emails: list[str]) -> None:
        super().__init__([filer.person for filer in filers])
        for filer in filers:
            street = filer.postal_address.split(", ")[1]
            word = max(street.split(), key=len)
            self.patterns.append((f"postal address {street}", re.compile(re.escape(word), re.I)))
        for email in follower_emails:
            local_part = email.split("@")[0]
            self.patterns.append((f"follower {email}", re.compile(re.escape(local_part), re.I)))


@dataclass
class AppealSeed:
    appeals: list[Appeal]
    photos: list[AppealPhoto]


def seed_appeals() -> AppealSeed:
    """Appeals in every status, through the real services."""
    operator = StaffUserFactory(role="appeals_operator", first_name="Оператор")
    slugs = ["lighting", "roads", "waste", "water", "greenery"]
    appeals = []
    for index, filer in enumerate(FILERS):
        person = filer.person
        appeal, _ = appeal_file(
            category=category(slugs[index]),
            lat=42.89 + index * 0.01,
            lon=71.36 + index * 0.01,
            description=f"Проблема номер {index}: не работает, просим исправить",
            address=f"ул. Толе би, {10 + index}",
            applicant=Applicant(
                full_name=person.full_name,
                iin=person.iin,
                email=person.email,
                phone=person.phone,
                postal_address=filer.postal_address,
            ),
            photos=[jpeg()] if index < 2 else [],
            channel="walk_in" if index == 4 else "web",
            actor=operator if index == 4 else None,
            idempotency_key=f"web:{uuid.uuid4()}",
        )
        appeals.append(appeal)
    anonymous, _ = appeal_file(
        category=category("safety"), lat=42.9, lon=71.37, description="Открытый люк у школы",
        applicant=Applicant(), anonymous=True,
    )  # fmt: skip
    appeals.append(anonymous)
    appeal_status_set(appeal=appeals[1], status="in_progress", actor=operator)
    appeal_answer(appeal=appeals[2], text="Вывезли мусор", actor=operator, photos=[jpeg()])
    appeal_status_set(appeal=appeals[3], status="forwarded", actor=operator, note="В КГУ")
    appeal_extend(
        appeal=appeals[4],
        until=appeals[4].deadline + datetime.timedelta(days=7),
        reason="Нужна проверка",
        actor=operator,
    )
    appeal_answer(appeal=appeals[1], text="Отремонтировано", actor=operator)
    appeal_status_set(appeal=appeals[1], status="closed", actor=operator)
    for email in FOLLOWERS:
        follower_confirm(appeal_follow(appeal=appeals[0], email=email)[0])
    hidden = appeals[0].photos.first()
    AppealPhoto.objects.filter(pk=hidden.pk).update(is_hidden=True, hidden_reason="лицо")
    return AppealSeed(appeals=appeals, photos=list(AppealPhoto.objects.order_by("pk")))


def _values(seed: AppealSeed) -> dict[str, list[str]]:
    numbers = [a.number for a in seed.appeals]
    return {
        "number": numbers,
        "photo_id": [str(p.pk) for p in seed.photos],
        "code": ["lighting", "safety"],
        "slug": ["lighting"],
        "token": list(AppealFollower.objects.values_list("token", flat=True)),
        "_str": numbers[:2],
    }


def public_urls(seed: AppealSeed) -> Iterator[tuple[str, str]]:
    """(url, route name) of every public GET route with the appeals' values."""
    values = _values(seed)
    for template, converters, name, language in public_routes():
        if template.startswith("<unwritable"):
            continue
        parameters = re.findall(r"<(\w+)>", template)
        choices = [_candidates(p, converters.get(p), values) for p in parameters]
        for combination in itertools.islice(itertools.product(*choices), 30):
            path = template
            for parameter, value in zip(parameters, combination, strict=True):
                path = path.replace(f"<{parameter}>", value, 1)
            url = "/" + path
            try:
                with translation.override(language or settings.LANGUAGE_CODE):
                    resolve(url)
            except Resolver404:
                continue
            yield url, name


def _queries(seed: AppealSeed, name: str) -> list[str]:
    first = seed.appeals[0]
    if name == "appeals_api:nearby":
        return [
            f"?lat={a.location.y}&lon={a.location.x}&category={a.category.slug}"
            for a in seed.appeals
        ]
    if name == "appeals_api:map":
        return [f"?bbox=71.2,42.8,71.5,43.0&zoom={zoom}" for zoom in (10, 13, 15, 16, 18)]
    if name == "appeals_api:places":
        return ["?q=Зангартауская", "?q=Толе би", f"?q={first.number}"]
    if name.startswith("appeals:") or name.startswith("open311:"):
        return [
            "",
            "?page=2",
            f"?category={first.category.slug}&status=registered&department=housing",
            "?received_from=2020-01-01&received_to=2030-12-31",
            f"?service_request_id={first.number}&page_size=50",
        ]
    return [""]


def _scan(client, scanner, seed) -> tuple[dict[str, list[str]], list[str], set[str], str]:
    leaks: dict[str, list[str]] = {}
    errors: list[str] = []
    seen: set[str] = set()
    texts: list[str] = []
    for url, name in public_urls(seed):
        for query in _queries(seed, name):
            response = client.get(url + query, HTTP_ACCEPT_LANGUAGE="ru")
            seen.add(name)
            if response.status_code >= 500:
                errors.append(f"{url}{query}: {response.status_code}")
                continue
            if getattr(response, "streaming", False):
                body = b"".join(response.streaming_content)
                text = body.decode("utf-8", errors="replace")
            else:
                text = response.content.decode("utf-8", errors="replace")
            found = scanner.hits(text + "\n" + response.get("Location", ""))
            if found:
                leaks[url + query] = found
            texts.append(text)
    return leaks, errors, seen, "\n".join(texts)


@pytest.fixture
def seed():
    cache.clear()
    return seed_appeals()


@pytest.fixture
def scanner():
    return AppealsPrivacyScanner(FILERS, FOLLOWERS)


def _report(leaks: dict[str, list[str]]) -> str:
    return "Personal data on public pages:\n" + "\n".join(
        f"{url}\n    " + "\n    ".join(found) for url, found in leaks.items()
    )


def test_the_scanner_flags_a_postal_address_and_a_followers_email(scanner):
    assert scanner.hits("<p>Зангартауская 77</p>")
    assert scanner.hits("write to NEIGHBOUR.ARUZHAN@example.kz")
    assert scanner.hits(f"{FILERS[2].person.iin[:6]} {FILERS[2].person.iin[6:]}")
    assert scanner.hits("ул. Толе би, 10 · Тараз · 2026-000001") == []


def test_no_public_page_or_api_shows_who_filed_or_follows_an_appeal(client, scanner, seed):
    leaks, errors, seen, texts = _scan(client, scanner, seed)
    assert not leaks, _report(leaks)
    assert not errors, f"Server errors on public pages: {errors}"
    assert {
        "appeals:list", "appeals:detail", "appeals:receipt", "appeals:journal",
        "appeals:journal_csv", "appeals:dashboard", "appeals:photo", "appeals:follow",
        "appeals:follower",
        "appeals:new", "appeals_api:nearby", "appeals_api:map", "appeals_api:places", "home",
    } <= seen  # fmt: skip
    for appeal in seed.appeals:
        assert appeal.number in texts, f"no public page showed {appeal.number}"
    assert "Вывезли мусор" in texts  # the pages did show the appeals' substance


def test_filing_and_following_answer_without_anyone_elses_data(client, scanner, seed):
    # A new filer at the first appeal's place and category: the page asks "is it one of
    # these?", showing the seeded appeal but no one's identity.
    first = seed.appeals[0]
    new = NEW_FILER.person
    data = {
        "category": first.category.slug, "lat": str(first.location.y),
        "lon": str(first.location.x), "description": "Опять не горит фонарь во дворе",
        "full_name": new.full_name, "iin": new.iin, "email": new.email, "phone": new.phone,
        "postal_address": NEW_FILER.postal_address, "idempotency_key": filing_key_new(),
    }  # fmt: skip
    step = client.post("/ru/appeals/new/", data)
    assert step.status_code == 200 and first.number in step.content.decode()
    assert scanner.hits(step.content.decode()) == []
    filed = client.post("/ru/appeals/new/", {**data, "nearby_shown": "1"})
    assert filed.status_code == 303
    # The receipt is reachable by its address: it shows not even the filer's own data.
    everyone = AppealsPrivacyScanner([*FILERS, NEW_FILER], FOLLOWERS)
    assert everyone.hits(filed["Location"]) == []
    receipt = client.get(filed["Location"])
    assert everyone.hits(receipt.content.decode()) == []
    number = filed["Location"].split("/")[3]
    assert everyone.hits(client.get(f"/ru/appeals/{number}/").content.decode()) == []
    followed = client.post(f"/ru/appeals/{first.number}/follow/", {"email": FOLLOWERS[0]})
    assert followed.status_code == 200
    assert scanner.hits(followed.content.decode()) == []


def test_followers_mails_name_no_filer_and_no_other_follower(
    seed, run_jobs, django_capture_on_commit_callbacks
):
    operator = StaffUserFactory(role="appeals_operator")
    run_jobs()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appeal_answer(appeal=seed.appeals[0], text="Фонарь заменён", actor=operator)
    run_jobs()
    filers_only = AppealsPrivacyScanner(FILERS, [])
    to_followers = [m for m in mail.outbox if m.to[0] in FOLLOWERS]
    assert len(to_followers) == 2
    for message in to_followers:
        assert len(message.to) == 1 and not message.cc and not message.bcc
        text = message.subject + "\n" + message.body
        assert filers_only.hits(text) == []
        other = next(email for email in FOLLOWERS if email != message.to[0])
        assert other.split("@")[0] not in text


def test_the_scan_catches_a_nearby_api_that_leaks_a_name(client, scanner, seed, monkeypatch):
    def leaky(self):
        return Appeal.objects.get(pk=self.appeal.pk).applicant_name

    monkeypatch.setattr(NearbyAppeal, "description", property(leaky))
    leaks, _errors, _seen, _texts = _scan(client, scanner, seed)
    leaking = [url for url in leaks if url.startswith("/api/appeals/nearby")]
    assert leaking, "the scan did not notice names in the nearby API"
    assert AppealFollower.objects.count() == 2
