"""Photo and body limits of the public doors: pixels counted from the header before any
decoding, and a body limit of its own for everything but the planners' imports."""

import io
import struct
import zlib

import pytest
import xmltodict
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from appeals import photos
from appeals.models import Appeal, AppealPhoto
from appeals.services.partners import partner_key_issue
from tests.appeals.public_seed import filing_data, jpeg

pytestmark = pytest.mark.django_db

URL = "/en/appeals/new/"
MEGABYTE = 1024 * 1024


def png_claiming(width: int, height: int, name: str = "tiny.png") -> SimpleUploadedFile:
    """A valid black-and-white PNG of that size: all zeros, so a few kB for 400 megapixels
    that would take gigabytes to decode."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = bytes(1 + (width + 7) // 8)  # filter byte and the row's bits
    packer = zlib.compressobj(9)
    compressed = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", compressed)
        + chunk(b"IEND", b"")
    )
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_a_tiny_png_claiming_20000_by_20000_pixels_is_refused_with_the_reason(client):
    bomb = png_claiming(20000, 20000)
    assert len(bomb) < 200_000
    response = client.post(URL, filing_data(photos=[bomb]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "“tiny.png” has too many pixels (at most 40 megapixels)" in page
    assert Appeal.objects.count() == 0 and AppealPhoto.objects.count() == 0


def test_a_png_over_the_pixel_cap_is_refused_before_it_is_decoded(client, settings):
    # 48 megapixels: under Pillow's own guard (89 MP warns, 179 MP stops), over ours.
    response = client.post(URL, filing_data(photos=[png_claiming(8000, 6000, "big.png")]))
    assert response.status_code == 400
    assert "“big.png” has too many pixels (at most 40 megapixels)" in response.content.decode()
    settings.RGIS_APPEALS_PHOTO_MAX_PIXELS = 50_000_000
    response = client.post(URL, filing_data(photos=[png_claiming(8000, 6000, "big.png")]))
    assert response.status_code == 303
    assert AppealPhoto.objects.get().width == 2048


def test_a_big_jpeg_is_counted_at_the_size_it_is_decoded_at(client, settings, monkeypatch):
    # Scaled down (2048 px -> 200 px and 40 MP -> 0.3 MP) so the test stays small: a JPEG is
    # decoded at 1/2, 1/4 or 1/8 of its size, a PNG is not.
    monkeypatch.setattr(photos, "MAX_SIDE", 200)
    settings.RGIS_APPEALS_PHOTO_MAX_PIXELS = 300_000
    out = io.BytesIO()
    Image.new("RGB", (1600, 1000), (200, 30, 30)).save(out, format="JPEG")
    big_jpeg = SimpleUploadedFile("phone.jpg", out.getvalue(), content_type="image/jpeg")
    response = client.post(URL, filing_data(photos=[big_jpeg]))
    assert response.status_code == 303
    assert AppealPhoto.objects.get().width == 200
    flat = png_claiming(700, 500, "flat.png")
    response = client.post(URL, filing_data(photos=[flat], nearby_shown="1"))
    assert response.status_code == 400
    assert "has too many pixels (at most 0.3 megapixels)" in response.content.decode()


def test_a_60_mb_body_on_the_public_form_is_refused_with_413(client):
    response = client.post(URL, filing_data(photos=[jpeg()]), CONTENT_LENGTH=str(60 * MEGABYTE))
    assert response.status_code == 413
    page = response.content.decode()
    assert "What you sent is 60 MB; this page accepts up to 50 MB in all." in page
    assert Appeal.objects.count() == 0


def test_a_60_mb_body_on_open311_is_refused_with_a_georeport_error(client):
    _partner, key = partner_key_issue(name="Taraz City App", contact="dev@app.kz")
    response = client.post(
        "/open311/v2/requests.json",
        {"api_key": key, "service_code": "roads", "description": "Яма"},
        CONTENT_LENGTH=str(60 * MEGABYTE),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 413
    [error] = response.json()
    assert error["code"] == 413 and "accepts up to 50 MB" in error["description"]
    as_xml = client.post(
        "/open311/v2/requests.xml",
        {"api_key": key},
        CONTENT_LENGTH=str(60 * MEGABYTE),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert as_xml.status_code == 413
    error = xmltodict.parse(as_xml.content)["errors"]["error"]
    assert error["code"] == "413" and "accepts up to 50 MB" in error["description"]
    assert Appeal.objects.count() == 0


def test_a_planners_import_keeps_the_larger_limit(staff_client, settings, tmp_path):
    from geodata.models import ImportJob
    from geodata.samples import parcel_grid, shapefile_zip

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RGIS_MAX_REQUEST_MB = 0  # any body at all is over it, but on the import paths
    archive = shapefile_zip(parcel_grid(4), tmp_path / "plan.zip")
    upload = SimpleUploadedFile("plan.zip", archive.read_bytes(), content_type="application/zip")
    client, _user = staff_client("planner")
    response = client.post("/en/staff/imports/new/", {"file": upload})
    assert response.status_code == 302 and ImportJob.objects.count() == 1
    refused = client.post(URL, filing_data())
    assert refused.status_code == 413
    big = client.post(
        "/en/staff/imports/new/", {"file": upload}, CONTENT_LENGTH=str(201 * MEGABYTE)
    )
    assert big.status_code == 413
    assert "This upload is 201 MB; the portal accepts up to 200 MB" in big.content.decode()
