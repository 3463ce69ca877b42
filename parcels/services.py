"""Every write of the parcel registry."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from parcels.models import Parcel
from rgis.changes import map_data_changed
from staff.services import audit_record, audit_snapshot


def parcel_status_set(
    *,
    parcel: Parcel,
    status: str,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    reason: str = "",
) -> Parcel:
    """Change a parcel's status (free, reserved, allocated, occupied), audited."""
    with transaction.atomic():
        locked = Parcel.objects.select_for_update().get(pk=parcel.pk)
        before = audit_snapshot(locked)
        if locked.status != status:
            locked.status_changed_at = timezone.now()
        locked.status = status
        locked.full_clean(validate_unique=False, validate_constraints=False)
        locked.save(update_fields=["status", "status_changed_at", "updated_at"])
        audit_record(
            actor=actor,  # type: ignore[arg-type]
            action=f"parcels.parcel.status.{status}",
            instance=locked,
            before=before,
            after=audit_snapshot(locked),
            actor_username="" if actor is not None and actor.is_authenticated else reason,
        )
        map_data_changed()  # the parcels layers' revision changed
    parcel.status = locked.status
    return locked
