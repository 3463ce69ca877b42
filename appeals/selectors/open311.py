"""Reads of the Open311 API: services and service requests, public fields only."""

import datetime
import hashlib
from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from appeals.models import Appeal, AppealEvent, AppealPhoto, Category, PartnerApiKey
from appeals.open311_documents import STATUS_GROUPS

PUBLIC_FIELDS = (
    "id",
    "number",
    "category__slug",
    "category__name_kk",
    "category__name_ru",
    "category__name_en",
    "department__name_kk",
    "department__name_ru",
    "department__name_en",
    "location",
    "address",
    "description",
    "description_hidden",
    "status",
    "received_at",
    "deadline",
    "extended_until",
    "answer",
    "answered_at",
    "partner_token",
)


def service_list() -> QuerySet[Category]:
    """Categories in use, in their order, with their departments."""
    return Category.objects.filter(is_active=True).select_related("department")


def service_get(code: str) -> Category:
    return get_object_or_404(service_list(), slug=code)


@dataclass(frozen=True)
class RequestFilters:
    numbers: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None
    statuses: tuple[str, ...] = ()


def request_list(filters: RequestFilters) -> QuerySet[Appeal]:
    """Appeals as service requests: newest first, with what the documents need.

    `only()` keeps the private applicant columns out of the query altogether.
    """
    last_event = AppealEvent.objects.filter(appeal=OuterRef("pk")).order_by("-at", "-pk")
    status_note = last_event.filter(status_after=OuterRef("status")).values("note")[:1]
    appeals = (
        Appeal.objects.select_related("category", "department")
        .only(*PUBLIC_FIELDS)
        .annotate(
            updated_at=Coalesce(Subquery(last_event.values("at")[:1]), "received_at"),
            status_note=Subquery(status_note),
        )
        .prefetch_related(
            Prefetch(
                "photos",
                queryset=AppealPhoto.objects.filter(
                    source=AppealPhoto.Source.FILER, is_hidden=False
                ).order_by("pk"),
                to_attr="public_photos",
            )
        )
        .order_by("-received_at", "-pk")
    )
    if filters.numbers:
        # The spec: a list of ids overrides every other filter.
        return appeals.filter(number__in=filters.numbers)
    if filters.service_codes:
        appeals = appeals.filter(category__slug__in=filters.service_codes)
    if filters.start is not None:
        appeals = appeals.filter(received_at__gte=filters.start)
    if filters.end is not None:
        appeals = appeals.filter(received_at__lte=filters.end)
    if filters.statuses:
        codes = [code for group in filters.statuses for code in STATUS_GROUPS[group]]
        appeals = appeals.filter(status__in=codes)
    return appeals


def request_get(number: str) -> Appeal:
    return get_object_or_404(request_list(RequestFilters(numbers=(number,))))


def request_for_token(token: str) -> Appeal:
    return get_object_or_404(Appeal.objects.only("number", "partner_token"), partner_token=token)


def partner_key_digest(key: str) -> str:
    """What is kept of a partner's API key: its SHA-256."""
    return hashlib.sha256(key.encode()).hexdigest()


def partner_for_key(key: str) -> PartnerApiKey | None:
    """The active partner holding this key, or None."""
    if not key:
        return None
    return PartnerApiKey.objects.filter(key_digest=partner_key_digest(key), is_active=True).first()
