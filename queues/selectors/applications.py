"""Reads of applications that carry rules: the head, the next in line, the officers' search,
an application's history, and what awaits a second officer."""

from collections.abc import Iterable

from cryptography.fernet import InvalidToken
from django.db.models import Count, Max, Min, Q, QuerySet

from queues.models import Application, LedgerEntry, Queue
from rgis.personal import (
    InvalidIIN,
    iin_digests,
    iin_validate,
    ledger_pseudonym,
    personal_decrypt_or_fail,
)


def applications_waiting(queue: Queue | int) -> QuerySet[Application]:
    """The waiting applications of a queue in queue order (filed_at, then number)."""
    queue_id = queue if isinstance(queue, int) else queue.pk
    return Application.objects.filter(
        queue_id=queue_id, status=Application.Status.WAITING
    ).order_by("filed_at", "number")


def application_head(queue: Queue) -> Application | None:
    """The head of the queue: the first waiting application in queue order."""
    return applications_waiting(queue).first()


def application_next_after(
    application: Application, *, excluding: Iterable[int] = ()
) -> Application | None:
    """The first waiting application behind `application` in its queue's order."""
    return (
        applications_waiting(application.queue_id)
        .filter(
            Q(filed_at__gt=application.filed_at)
            | Q(filed_at=application.filed_at, number__gt=application.number)
        )
        .exclude(pk__in=list(excluding))
        .first()
    )


def applications_next(queue: Queue | int, count: int) -> list[Application]:
    """The first `count` waiting applications of a queue, in queue order."""
    return list(applications_waiting(queue)[:count])


def application_search(queue: Queue, *, status: str = "", text: str = "") -> QuerySet[Application]:
    """A queue's applications for the officers' list: by status, number, name or IIN."""
    applications = (
        Application.objects.filter(queue=queue)
        .select_related("removal_reason", "parcel")
        .order_by("filed_at", "number")
    )
    if status:
        applications = applications.filter(status=status)
    text = " ".join(text.split())
    if text:
        try:
            iin = iin_validate(text)
        except InvalidIIN:
            applications = applications.filter(
                Q(number__icontains=text) | Q(full_name__icontains=text)
            )
        else:
            applications = applications.filter(iin_digest__in=iin_digests(iin))
    return applications


def application_history(application: Application) -> list[LedgerEntry]:
    """The ledger entries of one application, oldest first."""
    return list(
        LedgerEntry.objects.filter(
            queue_id=application.queue_id, application_number=application.number
        ).order_by("sequence")
    )


def ledger_applicant_of(application: Application) -> str:
    """The applicant hash the ledger gives an application: the one its entries carry.

    Read from the application's latest entry (a corrected IIN changes it there), never
    from `iin_digest`: that look-up hash is re-keyed by `personal_data_rotate`, while the
    ledger's pseudonym key never changes (rgis.personal.ledger_pseudonym).
    """
    applicant = (
        LedgerEntry.objects.filter(
            queue_id=application.queue_id, application_number=application.number
        )
        .exclude(applicant_key="")
        .order_by("-sequence")
        .values_list("applicant_key", flat=True)
        .first()
    )
    if applicant:
        return applicant
    try:
        return ledger_pseudonym(personal_decrypt_or_fail(application.iin_encrypted))
    except InvalidToken:
        # Rows bulk-loaded outside the services (benchmarks) with no readable IIN.
        return application.iin_digest


def register_batches_pending(queue: Queue) -> list[dict[str, object]]:
    """The imported registers of a queue awaiting a second officer: each with its count,
    filing-date range, document and registrar."""
    return list(
        Application.objects.filter(queue=queue, status=Application.Status.PENDING)
        .exclude(backdate_batch="")
        .values(
            "backdate_batch",
            "backdate_document",
            "backdate_document_date",
            "backdate_reason",
            "registered_by_id",
            "registered_by__username",
        )
        .annotate(count=Count("id"), filed_from=Min("filed_at"), filed_to=Max("filed_at"))
        .order_by("backdate_batch")
    )


def applications_pending(queue: Queue) -> QuerySet[Application]:
    """A queue's back-dated applications registered one by one, awaiting a second officer."""
    return Application.objects.filter(
        queue=queue, status=Application.Status.PENDING, backdate_batch=""
    ).order_by("filed_at", "number")
