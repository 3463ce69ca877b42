"""A resident finds the open hearing from the home page, drops a pin on the draft's map,
files a comment with a photo and sees it in the list and on the map; the same without
JavaScript by the parcel's cadastral number; a comment sent after the window closed is
refused, with the reason."""

import datetime
import importlib
import io
import re

import pytest
from django.apps import apps
from django.core.cache import cache
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from hearings.models import Comment, Hearing
from hearings.services.schedule import hearing_create, meeting_add
from parcels.models import Parcel
from tests.factories import StaffUserFactory
from tests.hearings.conftest import PARCEL, particulars
from tests.parcels.factories import registry_import, rows_of, version_make

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(autouse=True)
def hearing_defaults(settings, tmp_path):
    """Topics and land purposes (a transactional test's flush removed the migrations'), a
    fresh rate-limit count, media in a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    importlib.import_module("hearings.migrations.0003_topics").topics_seed(apps, None)
    importlib.import_module("parcels.migrations.0002_land_purposes").purposes_add(apps, None)
    cache.clear()


@pytest.fixture
def open_hearing(tmp_path) -> Hearing:
    """An open hearing on a published parcels draft whose parcels are registered."""
    version = version_make(tmp_path, rows_of(10))
    registry_import(version)
    organiser = StaffUserFactory(role="hearing_organiser")
    now = timezone.now()
    hearing = hearing_create(
        version=version,
        particulars=particulars(
            announced_on=timezone.localdate(now) - datetime.timedelta(days=25),
            opens_at=now - datetime.timedelta(days=5),
            closes_at=now + datetime.timedelta(days=12, hours=2),
        ),
        actor=organiser,
    )
    meeting_add(
        hearing=hearing,
        starts_at=now - datetime.timedelta(days=4),
        place="Школа № 5, актовый зал",
        location=None,
        online_link="",
        actor=organiser,
    )
    Hearing.objects.filter(pk=hearing.pk).update(status=Hearing.Status.OPEN)
    hearing.refresh_from_db()
    return hearing


def jpeg() -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, "JPEG")
    return {"name": "square.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def identity_fill(page) -> None:
    page.fill("#id_full_name", "Жанылсын Омарбекова")
    page.fill("#id_email", "zhanylsyn.o@example.kz")


def test_a_resident_pins_a_comment_with_a_photo_and_sees_it(offline, portal_url, open_hearing):
    browser = offline(**PHONE)
    page = browser.context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # The home page says which hearings are open now.
    page.goto(f"{portal_url}/en/")
    page.locator(f'[data-open-hearing="{open_hearing.slug}"]').click()
    expect(page.locator("h1")).to_have_text("Discussion of the Test draft")
    expect(page.locator("[data-time-left]")).to_contain_text("12 days left")
    page.get_by_role("link", name="Comment on the draft").click()

    # The pin: a tap on one of the draft's parcels (the tap places the pin; it does not open
    # the parcel's attributes).
    map_box = page.locator("#hearing-map")
    expect(map_box).to_have_attribute("data-ready", "1")
    map_box.scroll_into_view_if_needed()
    parcel = Parcel.objects.get(cadastral_number=PARCEL).geometry.centroid
    parcel.transform(4326)
    x, y = page.evaluate(
        "([lat, lon]) => { const box = document.querySelector('#hearing-map .folium-map');"
        " const p = window[box.id].latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }",
        [parcel.y, parcel.x],
    )
    frame = page.locator("#hearing-map .leaflet-container").bounding_box()
    assert frame is not None and 0 < x < frame["width"] and 0 < y < frame["height"]
    page.mouse.click(frame["x"] + x, frame["y"] + y)
    expect(page.locator("#id_lat")).not_to_have_value("")
    expect(page.locator("input[name=where][value=map]")).to_be_checked()
    lat, lon = float(page.input_value("#id_lat")), float(page.input_value("#id_lon"))
    assert abs(lat - parcel.y) < 0.0002 and abs(lon - parcel.x) < 0.0002

    page.select_option("#id_topic", "green-space")
    page.fill("#id_text", "Keep the square by the school green, no car park there.")
    page.check("#id_lives_inside")
    page.set_input_files("#id_photos", [jpeg()])
    identity_fill(page)
    page.locator("#comment-submit").click()

    # Back on the hearing: thanked, and the comment is first in the list, with its photo.
    expect(page.locator("[data-sent]")).to_contain_text("your comment is #1")
    item = page.locator('[data-comment="1"]')
    expect(item).to_contain_text("Resident of Сынақ #1")
    expect(item).to_contain_text("Keep the square by the school green")
    expect(item).to_contain_text("Not answered yet.")
    expect(item.locator("img.hearing-photo")).to_have_count(1)
    assert (
        page.evaluate(
            "document.querySelector('[data-comment=\"1\"] img.hearing-photo').naturalWidth"
        )
        == 64
    )
    expect(page.locator("body")).not_to_contain_text("Омарбекова")
    expect(page.locator("body")).not_to_contain_text("zhanylsyn.o@example.kz")
    # ... and on the map: one mark for the one placed comment.
    expect(page.locator("#hearing-map")).to_have_attribute("data-comments-drawn", "1")

    comment = Comment.objects.get()
    assert comment.photos.count() == 1
    point = comment.place.transform(4326, clone=True)
    assert (round(point.y, 5), round(point.x, 5)) == (round(lat, 5), round(lon, 5))
    assert browser.blocked == []
    assert errors == []


def test_a_comment_by_cadastral_number_with_javascript_off(offline, portal_url, open_hearing):
    browser = offline(java_script_enabled=False)
    page = browser.context.new_page()
    page.goto(f"{portal_url}/ru/hearings/{open_hearing.slug}/comment/")
    # The pin needs JavaScript: the map and its choice stay hidden.
    expect(page.locator("#hearing-map")).to_be_hidden()
    expect(page.locator("input[name=where][value=map]")).to_be_hidden()
    page.select_option("#id_topic", "roads")
    page.fill("#id_text", "Расширьте улицу у школы, утром пробки.")
    page.check("input[name=where][value=parcel]")
    page.fill("#id_cadastral_number", PARCEL.replace("-", " "))
    identity_fill(page)
    page.locator("#comment-submit").click()

    expect(page.locator("[data-sent]")).to_be_visible()
    item = page.locator('[data-comment="1"]')
    expect(item).to_contain_text(PARCEL)
    expect(item).to_contain_text("Расширьте улицу у школы")
    comment = Comment.objects.get()
    assert comment.place_text == PARCEL and comment.place is not None


def test_a_comment_after_the_window_closed_is_refused(offline, portal_url, open_hearing):
    browser = offline()
    page = browser.context.new_page()
    page.goto(f"{portal_url}/en/hearings/{open_hearing.slug}/comment/")
    page.select_option("#id_topic", "housing")
    page.fill("#id_text", "Please keep the old houses on this street.")
    identity_fill(page)
    # The window closes while the resident is typing.
    Hearing.objects.filter(pk=open_hearing.pk).update(closes_at=timezone.now())
    page.locator("#comment-submit").click()

    expect(page.locator("[data-message]")).to_contain_text(
        re.compile(r"Comments were accepted from .* to .*\. The window is closed\.")
    )
    # What was typed is still there, and nothing was written.
    expect(page.locator("#id_text")).to_have_value("Please keep the old houses on this street.")
    assert not Comment.objects.exists()
