"""Writing a register's accepted rows: applications in batches, then their "registered"
ledger events in filing order, in the caller's transaction."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from queues.importing.checking import BATCH_SIZE, AcceptedRow
from queues.ledger import LedgerEvent, timestamp_text
from queues.models import Application, LedgerEntry, Queue
from queues.services.applications import registration_day_start
from queues.services.ledger import ledger_append_many
from rgis.personal import ledger_pseudonym, personal_encrypt


@dataclass
class Backdating:
    """The archive register an officer's import follows; a second officer approves it."""

    registrar: User
    batch: str
    document: str
    document_date: datetime.date
    reason: str


def register_write(queue: Queue, rows: list[AcceptedRow], backdating: Backdating | None) -> None:
    """Write the accepted rows and their ledger events (pending under `backdating`)."""
    now = timezone.now()
    day_start = registration_day_start(now)
    status = Application.Status.PENDING if backdating else Application.Status.WAITING
    rows.sort(key=lambda row: (row.filed_at, row.number))
    for start in range(0, len(rows), BATCH_SIZE):
        Application.objects.bulk_create(
            [
                Application(
                    queue=queue,
                    purpose_id=queue.purpose_id,
                    number=row.number,
                    filed_at=row.filed_at,
                    status=status,
                    status_changed_at=now,
                    full_name=row.full_name,
                    iin_encrypted=personal_encrypt(row.iin),
                    iin_digest=row.digest,
                    email=row.email,
                    phone=row.phone,
                    backdated=row.filed_at < day_start,
                    **(
                        {
                            "registered_by": backdating.registrar,
                            "backdate_batch": backdating.batch,
                            "backdate_document": backdating.document,
                            "backdate_document_date": backdating.document_date,
                            "backdate_reason": backdating.reason,
                        }
                        if backdating
                        else {}
                    ),
                )
                for row in rows[start : start + BATCH_SIZE]
            ]
        )
    extra: dict[str, Any] = {}
    if backdating:
        extra = {
            "batch": backdating.batch,
            "document": backdating.document,
            "document_date": backdating.document_date.isoformat(),
            "registered_by": backdating.registrar.pk,
        }
    ledger_append_many(
        queue=queue,
        events=[
            LedgerEvent(
                LedgerEntry.Event.REGISTERED,
                row.number,
                ledger_pseudonym(row.iin),
                {
                    "filed_at": timestamp_text(row.filed_at),
                    "status": status,
                    "source": "import",
                    **extra,
                },
            )
            for row in rows
        ],
        at=now,
    )
