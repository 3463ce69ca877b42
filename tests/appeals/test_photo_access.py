"""Photos of appeals are served by a view that checks who may see them; MEDIA_ROOT (hidden
photos, planners' raw uploads) is served by nothing."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from appeals.models import Appeal, AppealPhoto, Category
from appeals.services.filing import appeal_file
from tests.appeals.test_filing import jpeg_with_gps
from tests.appeals.test_staff_board import PERSON, TARAZ

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def appeal_with_a_hidden_photo() -> tuple[Appeal, AppealPhoto, AppealPhoto]:
    appeal, _ = appeal_file(
        category=Category.objects.get(slug="waste"),  # Environment
        description="Свалка во дворе",
        applicant=PERSON,
        photos=[jpeg_with_gps(), jpeg_with_gps((500, 500))],
        **TARAZ,
    )
    hidden, shown = appeal.photos.order_by("pk")
    AppealPhoto.objects.filter(pk=hidden.pk).update(is_hidden=True, hidden_reason="Лицо соседа")
    return appeal, hidden, shown


def photo_url(appeal: Appeal, photo: AppealPhoto, lang: str = "en") -> str:
    return f"/{lang}/appeals/{appeal.number}/photos/{photo.pk}/"


def stored_bytes(photo: AppealPhoto) -> bytes:
    with photo.image.open("rb") as handle:
        return handle.read()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_hidden_photo_is_served_only_to_staff_who_may_read_its_appeal(
    client, appeals_operator, staff_client, appeal_with_a_hidden_photo
):
    appeal, hidden, _shown = appeal_with_a_hidden_photo
    assert client.get(photo_url(appeal, hidden)).status_code == 404

    outsider, _user = appeals_operator("roads")
    assert outsider.get(photo_url(appeal, hidden)).status_code == 404

    operator, _user = appeals_operator("environment")
    response = operator.get(photo_url(appeal, hidden))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert body(response) == stored_bytes(hidden)
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}

    moderator, _user = staff_client("moderator")
    assert moderator.get(photo_url(appeal, hidden)).status_code == 200
    # Not under another appeal's number.
    other, _ = appeal_file(
        category=Category.objects.get(slug="waste"),
        description="Другая свалка у гаражей",
        applicant=PERSON,
        **TARAZ,
    )
    assert moderator.get(photo_url(other, hidden)).status_code == 404


def test_a_public_photo_is_served_to_anyone_with_caching_headers(
    client, appeal_with_a_hidden_photo
):
    appeal, _hidden, shown = appeal_with_a_hidden_photo
    response = client.get(photo_url(appeal, shown, "kk"))
    assert response.status_code == 200
    assert body(response) == stored_bytes(shown)
    assert response["Cache-Control"].startswith("public, max-age=")
    assert "Cookie" not in response.get("Vary", "")  # the same photo for everyone


def test_the_staff_page_shows_photos_through_the_checking_view(
    appeals_operator, appeal_with_a_hidden_photo
):
    appeal, hidden, shown = appeal_with_a_hidden_photo
    operator, _user = appeals_operator("environment")
    page = operator.get(f"/en/staff/appeals/{appeal.number}/").content.decode()
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert sources == [photo_url(appeal, hidden), photo_url(appeal, shown)]
    assert "/media/" not in page
    for source in sources:
        assert operator.get(source).status_code == 200


def test_nothing_serves_media_root(client, appeal_with_a_hidden_photo):
    _appeal, hidden, shown = appeal_with_a_hidden_photo
    upload = Path(settings.MEDIA_ROOT) / "imports" / "2026" / "12" / "cadastre-owners.geojson"
    upload.parent.mkdir(parents=True)
    upload.write_text('{"type": "FeatureCollection", "features": []}')
    for name in (hidden.image.name, shown.image.name, "imports/2026/12/cadastre-owners.geojson"):
        assert (Path(settings.MEDIA_ROOT) / name).is_file()
        for prefix in ("/media/", "/en/media/", "/static/../media/"):
            response = client.get(prefix + name)
            assert response.status_code == 404, prefix + name


def test_no_server_configuration_publishes_media_root():
    # WhiteNoise serves STATIC_ROOT (and nothing above it); the media are elsewhere.
    static_root = Path(settings.STATIC_ROOT).resolve()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    assert not media_root.is_relative_to(static_root)
    assert not static_root.is_relative_to(media_root)
    assert getattr(settings, "WHITENOISE_ROOT", None) is None
    # nginx: the app answers every path but /static/ (the collected static files).
    nginx = (REPO / "docker" / "nginx.conf.template").read_text()
    directives = [line.split("#")[0].strip() for line in nginx.splitlines()]
    assert not [line for line in directives if line.startswith("alias ")]
    assert [line for line in directives if line.startswith("root ")] == ["root /srv;"]
    assert "media" not in " ".join(directives)
    # The proxy container does not even mount the media volume.
    compose = (REPO / "docker" / "compose.yml").read_text()
    proxy = compose.split("image: nginx:")[1].split("\nvolumes:")[0]
    assert "static:/srv/static:ro" in proxy and "media" not in proxy


def test_the_open311_media_url_downloads_the_photo(client, appeal_with_a_hidden_photo):
    appeal, _hidden, shown = appeal_with_a_hidden_photo
    document = client.get(f"/open311/v2/requests/{appeal.number}.json").json()
    media_url = document[0]["media_url"]
    assert media_url.startswith("http://testserver/")
    response = client.get(urlsplit(media_url).path)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert body(response) == stored_bytes(shown)  # the public photo, not the hidden one
