import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from appeals.errors import AppealRefusal
from appeals.models import Appeal, AppealPhoto, Category
from appeals.services.filing import Applicant, appeal_file
from rgis.personal import InvalidIIN

pytestmark = pytest.mark.django_db

TARAZ = {"lat": 42.9, "lon": 71.37}
PERSON = Applicant(full_name="Сейткали Айгерим Болатқызы", iin="061211600012", phone="+77011234567")


def jpeg_with_gps(size=(3000, 1500)) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 1  # Orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (42.0, 54.0, 0.0)
    gps[3], gps[4] = "E", (71.0, 22.0, 0.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("street.jpg", out.getvalue(), content_type="image/jpeg")


def lighting() -> Category:
    return Category.objects.get(slug="lighting")


def test_a_filed_appeal_is_registered_at_once_with_its_number_and_deadline():
    appeal, created = appeal_file(
        category=lighting(), description="Не горит фонарь у дома 12", applicant=PERSON, **TARAZ
    )
    assert created
    assert appeal.number.count("-") == 1 and appeal.status == "registered"
    assert appeal.deadline > appeal.registered_on
    assert appeal.department.slug == "housing"
    assert appeal.events.get().status_after == "registered"
    assert "061211600012" not in appeal.applicant_iin_encrypted


def test_the_same_key_twice_makes_one_appeal():
    first, created = appeal_file(
        category=lighting(), description="Не горит фонарь у дома 12", applicant=PERSON,
        idempotency_key="c0ffee-1", **TARAZ,
    )  # fmt: skip
    again, created_again = appeal_file(
        category=lighting(), description="Не горит фонарь у дома 12", applicant=PERSON,
        idempotency_key="c0ffee-1", **TARAZ,
    )  # fmt: skip
    assert created and not created_again
    assert again.pk == first.pk
    assert Appeal.objects.count() == 1


def test_photos_lose_exif_and_gps_and_shrink_to_2048():
    appeal, _ = appeal_file(
        category=lighting(), description="Не горит фонарь у дома 12", applicant=PERSON,
        photos=[jpeg_with_gps()], **TARAZ,
    )  # fmt: skip
    photo = appeal.photos.get()
    with Image.open(photo.image.path) as stored:
        assert max(stored.size) == 2048
        assert stored.getexif() == {}
        assert "exif" not in stored.info
    assert photo.width == 2048 and photo.height == 1024


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_written():
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    with pytest.raises(AppealRefusal, match="is not a photo"):
        appeal_file(
            category=lighting(), description="Не горит фонарь у дома 12", applicant=PERSON,
            photos=[jpeg_with_gps(), fake], **TARAZ,
        )  # fmt: skip
    assert Appeal.objects.count() == 0 and AppealPhoto.objects.count() == 0


def test_anonymous_only_where_the_category_allows_it():
    with pytest.raises(AppealRefusal, match="Anonymous appeals are not considered"):
        appeal_file(
            category=lighting(), description="Не горит фонарь у дома 12",
            applicant=Applicant(), anonymous=True, **TARAZ,
        )  # fmt: skip
    appeal, _ = appeal_file(
        category=Category.objects.get(slug="safety"), description="Открытый люк на остановке",
        applicant=Applicant(), anonymous=True, **TARAZ,
    )  # fmt: skip
    assert appeal.is_anonymous and appeal.applicant_name == ""


def test_a_bad_iin_or_a_pin_outside_the_city_is_refused_with_the_reason():
    with pytest.raises(InvalidIIN):
        appeal_file(
            category=lighting(), description="Не горит фонарь у дома 12",
            applicant=Applicant(full_name="Кто-то", iin="061211600013", phone="1"), **TARAZ,
        )  # fmt: skip
    with pytest.raises(AppealRefusal, match="outside the city"):
        appeal_file(
            category=lighting(), description="Не горит фонарь у дома 12", applicant=PERSON,
            lat=51.1, lon=71.4,
        )  # fmt: skip
    assert Appeal.objects.count() == 0
