"""Photos of appeals: anything that is not an image is refused; images are re-encoded.

Re-encoding (not copying) drops every byte of the upload but the pixels: EXIF, GPS
position, camera serials, embedded thumbnails, and anything smuggled after the image data.
The orientation tag is applied to the pixels first, so a phone photo stays upright.
"""

import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from appeals.errors import AppealRefusal

MAX_SIDE = 2048
MAX_PHOTOS = 3
JPEG_QUALITY = 85
# Far above any phone camera (200 MP), far below what would exhaust memory when decoded.
MAX_PIXELS = 120_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "MPO"}


def photo_clean(upload: UploadedFile) -> ContentFile:
    """A JPEG of at most 2048 px a side with no metadata; AppealRefusal if not an image."""
    name = upload.name or "photo"
    limit = settings.RGIS_APPEALS_PHOTO_MAX_MB * 1024 * 1024
    if upload.size is not None and upload.size > limit:
        raise AppealRefusal(
            _("“%(name)s” is larger than %(mb)s MB. Send a smaller photo.")
            % {"name": name, "mb": settings.RGIS_APPEALS_PHOTO_MAX_MB}
        )
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise UnidentifiedImageError(probe.format)
            if probe.width * probe.height > MAX_PIXELS:
                raise AppealRefusal(_("“%(name)s” has too many pixels.") % {"name": name})
            probe.verify()  # reads the whole file: a truncated or forged image fails here
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            picture = upright.convert("RGB")
    except AppealRefusal:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise AppealRefusal(
            _("“%(name)s” is not a photo. Attach JPEG, PNG or WebP images.") % {"name": name}
        ) from None
    picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return ContentFile(out.getvalue(), name="photo.jpg")
