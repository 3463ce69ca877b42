"""Bulk import of an existing queue register (CSV or XLSX) with a report of refused rows.

One core, three doors: the officers' import page, `manage.py queue_import` and the tests.

The flow is report-then-confirm. A dry run reads the whole file and reports every refused
row and why (bad IIN with the validator's message, a number already used, a person already
waiting in this queue or already given a plot for this purpose, a bad or future date).
The officer then confirms, and the accepted rows are imported while the refused ones are
left out, to be fixed and imported from a second file: one wrong IIN in a register of
100,000 must not hold back the other 99,999, and a row imported later still takes its
place by its own filing time. The confirmed import checks everything again inside one
transaction (the queue may have changed since the preview) and writes all accepted rows
and their ledger entries there: an unexpected error leaves nothing behind.

Speed: a row is never a service call. Applications go in with bulk_create in batches, the
database checks run per batch of IINs and numbers, and the "registered" ledger events are
appended with ledger_append_many, in filing order.
"""

import datetime
import hashlib
import uuid

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from queues.errors import QueueRefusal
from queues.importing.checking import register_check
from queues.importing.reading import register_rows
from queues.importing.report import ImportReport
from queues.importing.writing import Backdating, register_write
from queues.models import Queue
from queues.services.transitions import (
    actor_user,
    application_refusal_from,
    queue_audit,
    queue_lock,
)
from rgis.actors import Actor


def register_import(
    *,
    queue: Queue,
    data: bytes,
    filename: str,
    actor: Actor,
    commit: bool = False,
    backdate_document: str = "",
    backdate_document_date: datetime.date | None = None,
    backdate_reason: str = "",
) -> ImportReport:
    """Check a register file (dry run) or import its accepted rows (commit=True).

    Imported by an officer (the web door), the rows are one pending batch, with the archive
    register's number, date and the reason, until a second officer approves the batch as a
    whole (register_batch_decide). The operator's command imports them straight away.
    """
    report = ImportReport(filename=filename[:200], sha256=hashlib.sha256(data).hexdigest())
    if not commit:
        register_check(queue, register_rows(data, filename, report), report)
        return report
    backdating = None
    registrar = actor_user(actor)
    if registrar is not None:
        document = " ".join(backdate_document.split())[:100]
        reason = " ".join(backdate_reason.split())
        if not document or backdate_document_date is None or not reason:
            raise QueueRefusal(
                _(
                    "Give the number and date of the register or archive record the file "
                    "follows, and the reason: a second officer approves the import."
                )
            )
        backdating = Backdating(
            registrar=registrar,
            batch=uuid.uuid4().hex,
            document=document,
            document_date=backdate_document_date,
            reason=reason,
        )
    try:
        with transaction.atomic():
            locked = queue_lock(queue)
            rows = register_check(locked, register_rows(data, filename, report), report)
            if rows:
                register_write(locked, rows, backdating)
            queue_audit(
                actor=actor,
                action="queues.register.import",
                instance=locked,
                after={
                    "file": report.filename,
                    "sha256": report.sha256,
                    "rows": report.rows,
                    "accepted": report.accepted,
                    "refused": report.refused_count,
                    "batch": backdating.batch if backdating else "",
                },
            )
    except IntegrityError as error:
        # Someone registered the same person or number while the file was being written.
        refusal = application_refusal_from(error)
        if refusal is None:
            raise
        raise QueueRefusal(
            _("The queue changed during the import (%(rule)s) Nothing was imported: try again.")
            % {"rule": refusal}
        ) from None
    report.committed = True
    report.batch = backdating.batch if backdating else ""
    return report
