"""The residents' pages: read the hearing, comment without JavaScript, refusals, privacy."""

import json
import re

import pytest
from django.utils import timezone

from hearings.forms import comment_key_new
from hearings.models import Comment, Hearing
from hearings.services.answers import comment_answer
from hearings.services.protocols import protocol_generate
from tests.hearings.conftest import PARCEL, comment_make
from tests.hearings.test_protocol import close, docx_text, pdf_text

pytestmark = pytest.mark.django_db

NAME, EMAIL, PHONE, IIN = (
    "Жанылсын Омарбекова",
    "zhanylsyn.o@example.kz",
    "+7 701 555 8801",
    "791028302728",
)


def form_data(**changes) -> dict:
    data = {
        "idempotency_key": comment_key_new(),
        "topic": "green-space",
        "text": "Сохраните сквер у школы, не стройте там парковку.",
        "where": "parcel",
        "cadastral_number": PARCEL.replace("-", " "),
        "lives_inside": "on",
        "full_name": NAME,
        "email": EMAIL,
        "phone": PHONE,
        "iin": IIN,
        "website": "",
    }
    data.update(changes)
    return data


def test_the_hearing_page_shows_particulars_countdown_and_comments(client, open_hearing):
    comment_make(open_hearing)
    page = client.get(f"/en/hearings/{open_hearing.slug}/").content.decode()
    assert "Discussion of the Test draft" in page
    assert "12 days left" in page
    assert "Школа № 5" in page
    assert "Resident of Сынақ #1" in page
    # The same page by number.
    assert client.get(f"/en/hearings/{open_hearing.pk}/").status_code == 200


def test_a_comment_by_cadastral_number_without_javascript(client, open_hearing):
    page = client.get(f"/ru/hearings/{open_hearing.slug}/comment/")
    assert page.status_code == 200
    data = form_data()
    response = client.post(f"/ru/hearings/{open_hearing.slug}/comment/", data)
    assert response.status_code == 303
    assert response["Location"].endswith("?sent=1#comment-1")
    comment = Comment.objects.get()
    assert comment.place_text == PARCEL and comment.place is not None
    assert comment.language == "ru" and comment.lives_inside
    # Sent twice (a double tap): still one comment.
    again = client.post(f"/ru/hearings/{open_hearing.slug}/comment/", data)
    assert again.status_code == 303 and Comment.objects.count() == 1
    listed = client.get(response["Location"]).content.decode()
    assert "Житель" in listed or "Сынақ" in listed


def test_an_unknown_cadastral_number_is_refused_with_what_to_do(client, open_hearing):
    response = client.post(
        f"/en/hearings/{open_hearing.slug}/comment/",
        form_data(cadastral_number="06-097-999-999"),
    )
    assert response.status_code == 400
    assert "No parcel with the cadastral number" in response.content.decode()


def test_a_comment_outside_the_window_is_refused(client, open_hearing):
    Hearing.objects.filter(pk=open_hearing.pk).update(closes_at=timezone.now())
    response = client.post(f"/en/hearings/{open_hearing.slug}/comment/", form_data())
    assert response.status_code == 400
    assert re.search(r"Comments were accepted from .* to ", response.content.decode())
    assert not Comment.objects.exists()


def test_the_honeypot_writes_nothing(client, open_hearing):
    response = client.post(
        f"/en/hearings/{open_hearing.slug}/comment/", form_data(website="http://spam")
    )
    assert response.status_code == 303 and not Comment.objects.exists()


def test_a_forged_key_is_sent_back(client, open_hearing):
    response = client.post(
        f"/en/hearings/{open_hearing.slug}/comment/", form_data(idempotency_key="mine")
    )
    assert response.status_code == 400 and not Comment.objects.exists()


def test_the_rate_limit_per_client(client, open_hearing, settings):
    settings.RGIS_HEARINGS_RATE = "1/10m"
    assert client.post(f"/en/hearings/{open_hearing.slug}/comment/", form_data()).status_code == 303
    refused = client.post(f"/en/hearings/{open_hearing.slug}/comment/", form_data())
    assert refused.status_code == 429 and "Too many comments" in refused.content.decode()


def test_filters_by_topic_answer_and_territory(client, open_hearing, organiser):
    first, _ = comment_make(open_hearing, text="Про дороги: нужен светофор.")
    comment_make(open_hearing, topic=first.topic.__class__.objects.get(slug="schools"),
                 text="Нужна новая школа рядом.", lives_inside=False)  # fmt: skip
    comment_answer(comment=first, verdict="accepted", reason_kk="", reason_ru="Учтено.",
                   actor=organiser)  # fmt: skip
    url = f"/en/hearings/{open_hearing.slug}/"
    assert "светофор" not in client.get(url, {"topic": "schools"}).content.decode()
    answered = client.get(url, {"answered": "yes"}).content.decode()
    assert "светофор" in answered and "Учтено." in answered and "новая школа" not in answered
    outside = client.get(url, {"inside": "no"}).content.decode()
    assert "новая школа" in outside and "светофор" not in outside


def test_no_public_response_shows_the_name_contact_or_iin(client, open_hearing, organiser):
    """Every public hearings page and API, after comments by web and by staff, answered."""
    client.post(f"/ru/hearings/{open_hearing.slug}/comment/", form_data())
    comment = Comment.objects.get()
    comment_answer(comment=comment, verdict="partly", reason_kk="Иә.", reason_ru="Да.",
                   actor=organiser)  # fmt: skip
    # The window closes and the organiser publishes the protocol: its page and files too.
    protocol_generate(hearing=close(open_hearing), actor=organiser)
    pages = []
    for language in ("kk", "ru", "en"):
        base = f"/{language}/hearings/"
        page = f"{base}{open_hearing.slug}/"
        for url in (base, page, f"{base}{open_hearing.pk}/", f"{page}?answered=yes",
                    f"{page}comment/", f"{page}comments.geojson",
                    f"{page}open-data/comments.geojson", f"{page}open-data/comments.csv",
                    f"/{language}/plans/{open_hearing.plan.slug}/", f"{page}protocol/1/",
                    f"{page}protocol/1.docx", f"{page}protocol/1.pdf"):  # fmt: skip
            response = client.get(url)
            assert response.status_code == 200, url
            if url.endswith(".docx"):
                pages.append(docx_text(b"".join(response.streaming_content)))
                continue
            if url.endswith(".pdf"):
                pages.append(pdf_text(b"".join(response.streaming_content)))
                continue
            pages.append(response.content.decode())
            if "json" in response["Content-Type"]:
                # JSON may escape Cyrillic (\u0416...): scan the decoded text as well.
                pages.append(json.dumps(response.json(), ensure_ascii=False))
    text = "\n".join(pages)
    assert "Житель Сынақ #1" in text and "Да." in text  # the protocol was read
    for secret in (*NAME.split(), EMAIL, "555 8801", "5558801", IIN):
        assert secret not in text, secret
