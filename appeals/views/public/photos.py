"""Photos of appeals, streamed by the portal once it has checked who may see them.

Nothing serves MEDIA_ROOT itself: it holds the photos moderators hid and the planners' raw
uploads (MEDIA_ROOT/imports), so there is no /media/ route (rgis/urls.py), nginx passes
/media/ to the app like any path, and WhiteNoise serves STATIC_ROOT only. A photo is
reached here by its appeal's number and its id:

- a photo a moderator did not hide: to anyone, cacheable by browsers and proxies;
- a hidden one: to the staff who may read that appeal (its department's operators,
  administrators, moderators), never stored by a cache;
- anything else: 404, the same answer as for a photo that does not exist.

Answer photos are saved in the same transaction that publishes the answer, so there is
no answer photo that is not yet public.
"""

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from appeals.models import AppealPhoto
from appeals.selectors.public import appeal_photo_public_get
from appeals.selectors.staff import appeal_photo_get_for_staff

# Short enough that a photo a moderator hides leaves browsers' caches soon after.
PUBLIC_MAX_AGE = 600


def _stream(photo: AppealPhoto, *, cache_control: str) -> FileResponse:
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404("No such photo") from None
    # Every photo was re-encoded to JPEG when it was kept (appeals.photos).
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def appeal_photo(request: HttpRequest, number: str, photo_id: int) -> FileResponse:
    """A photo of an appeal, for whoever may see it; 404 for everyone else."""
    photo = appeal_photo_public_get(number, photo_id)
    if photo is not None:
        # Decided before the session is read: the answer is the same for everyone.
        return _stream(photo, cache_control=f"public, max-age={PUBLIC_MAX_AGE}")
    photo = appeal_photo_get_for_staff(user=request.user, number=number, photo_id=photo_id)
    return _stream(photo, cache_control="private, no-store")
