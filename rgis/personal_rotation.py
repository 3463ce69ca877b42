"""Re-encrypt and re-hash every registered personal-data column with the newest keys.

Runs while the portal serves and registers: small batches, each in its own short
transaction; rows a service holds locked at that moment are skipped (and counted), never
waited for; a second run finds only what is left. A person's look-up hash changes in all
of their rows at once (one UPDATE under their row locks), so the database's person rules
(one live application per queue, one plot per purpose) never see one person under two
keys through this command.
"""

from collections.abc import Callable
from dataclasses import dataclass

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Model

from rgis.personal import (
    PersonalField,
    iin_digest,
    iin_digests,
    personal_decrypt_or_fail,
    personal_fields,
    personal_reencrypted,
)


@dataclass
class RotationCount:
    """What one run did to one registered column."""

    column: str
    rows: int = 0
    reencrypted: int = 0
    rehashed: int = 0
    unreadable: int = 0  # no configured key reads it: left as it is
    busy: int = 0  # locked by a request at that moment: run again
    refused: int = 0  # re-hashing broke a database rule (two live rows of one person)

    @property
    def left(self) -> int:
        return self.unreadable + self.busy + self.refused


def personal_data_rotate(
    *, batch_size: int = 200, progress: Callable[[RotationCount], None] | None = None
) -> list[RotationCount]:
    """Bring every registered column to the newest encryption and look-up keys."""
    return [
        _column_rotate(field, batch_size=batch_size, progress=progress)
        for field in personal_fields()
    ]


def _column_rotate(
    field: PersonalField, *, batch_size: int, progress: Callable[[RotationCount], None] | None
) -> RotationCount:
    model: type[Model] = apps.get_model(field.model)
    count = RotationCount(f"{field.model}.{field.encrypted}")
    last_pk = 0
    while True:
        with transaction.atomic():
            pks = list(
                model._default_manager.filter(pk__gt=last_pk)
                .exclude(**{field.encrypted: ""})
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not pks:
                return count
            last_pk = pks[-1]
            columns = [field.encrypted, *([field.digest] if field.digest else [])]
            rows = list(
                model._default_manager.select_for_update(skip_locked=True, of=("self",))
                .filter(pk__in=pks)
                .order_by("pk")
                .values_list("pk", *columns)
            )
            count.rows += len(rows)
            count.busy += len(pks) - len(rows)
            for pk, token, *digest in rows:
                _row_rotate(model, field, count, pk, token, digest[0] if digest else "")
        if progress is not None:
            progress(count)


def _row_rotate(
    model: type[Model], field: PersonalField, count: RotationCount, pk: int, token: str, digest: str
) -> None:
    try:
        plain = personal_decrypt_or_fail(token)
    except InvalidToken:
        count.unreadable += 1
        return
    renewed = personal_reencrypted(token)
    if renewed is not None:
        model._default_manager.filter(pk=pk).update(**{field.encrypted: renewed})
        count.reencrypted += 1
    if not field.digest:
        return
    newest = iin_digest(plain)
    if digest == newest:
        return
    # Every row of the person, whichever older key hashed it (or none still configured).
    older = {*iin_digests(plain)[1:], digest} - {newest}
    person = model._default_manager.filter(**{f"{field.digest}__in": sorted(older)})
    try:
        with transaction.atomic():  # a savepoint: a refusal undoes this person only
            pks = list(person.select_for_update(nowait=True).values_list("pk", flat=True))
            count.rehashed += model._default_manager.filter(pk__in=pks).update(
                **{field.digest: newest}
            )
    except IntegrityError:
        count.refused += 1
    except DatabaseError:  # another row of the person is locked by a request right now
        count.busy += 1
