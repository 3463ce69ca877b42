"""Every write of the parcel registry."""

from django.db import transaction
from django.utils import timezone

from parcels.models import Parcel
from rgis.actors import Actor
from rgis.changes import map_data_changed
from staff.services import audit_record, audit_snapshot


def parcel_status_set(
    *,
    parcel: Parcel,
    status: str,
    actor: Actor = None,
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
            actor=actor,
            action=f"parcels.parcel.status.{status}",
            instance=locked,
            before=before,
            after=audit_snapshot(locked),
            actor_username="" if actor is not None and actor.is_authenticated else reason,
        )
        map_data_changed()  # the parcels layers' revision changed
    parcel.status = locked.status
    return locked


def parcel_addresses_set(*, addresses: dict[int, tuple[str, str]]) -> None:
    """Give parcels (by id) their addresses in Kazakh and Russian, as one bulk write.

    For the demo registry, whose file carries no addresses: not audited, and the map's
    revision does not move (the import that made the parcels moved it).
    """
    parcels = list(Parcel.objects.filter(pk__in=addresses))
    for parcel in parcels:
        parcel.address_kk, parcel.address_ru = addresses[parcel.pk]
    Parcel.objects.bulk_update(parcels, ["address_kk", "address_ru"], batch_size=1000)
