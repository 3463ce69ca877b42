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
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "MPO"}
# JPEG can be decoded at 1/2, 1/4 or 1/8 of its size: a phone photo of 50 or 200 MP is
# decoded straight at a little over 2048 px, and its pixel count is that of the reduced size.
SCALABLE_FORMATS = {"JPEG", "MPO"}


def _refuse_pixels(name: str) -> AppealRefusal:
    limit = settings.RGIS_APPEALS_PHOTO_MAX_PIXELS
    return AppealRefusal(
        _(
            "“%(name)s” has too many pixels (at most %(megapixels)s megapixels). "
            "Send the photo as the phone's camera took it, or a smaller copy."
        )
        % {"name": name, "megapixels": f"{limit / 1_000_000:g}"}
    )


def photo_clean(upload: UploadedFile) -> ContentFile:
    """A JPEG of at most 2048 px a side with no metadata; AppealRefusal if not an image.

    The pixels are counted from the header before anything is decoded: a small PNG can
    claim 20000 × 20000 pixels and take 1.6 GB to decode, three times a request.
    """
    name = upload.name or "photo"
    limit = settings.RGIS_APPEALS_PHOTO_MAX_MB * 1024 * 1024
    if upload.size is not None and upload.size > limit:
        raise AppealRefusal(
            _("“%(name)s” is larger than %(mb)s MB. Send a smaller photo.")
            % {"name": name, "mb": settings.RGIS_APPEALS_PHOTO_MAX_MB}
        )
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:  # the header only
            if probe.format not in ACCEPTED_FORMATS:
                raise UnidentifiedImageError(probe.format)
            probe.verify()  # reads the whole file: a truncated or forged image fails here
        with Image.open(io.BytesIO(data)) as image:
            if image.format in SCALABLE_FORMATS:
                image.draft(None, (MAX_SIDE, MAX_SIDE))
            if image.width * image.height > settings.RGIS_APPEALS_PHOTO_MAX_PIXELS:
                raise _refuse_pixels(name)
            image.load()
            upright = ImageOps.exif_transpose(image)
            picture = upright.convert("RGB")
    except AppealRefusal:
        raise
    except Image.DecompressionBombError:
        # Pillow's own guard, far above ours, met while reading the header.
        raise _refuse_pixels(name) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise AppealRefusal(
            _("“%(name)s” is not a photo. Attach JPEG, PNG or WebP images.") % {"name": name}
        ) from None
    picture.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return ContentFile(out.getvalue(), name="photo.jpg")
