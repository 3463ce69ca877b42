"""Reads of the public appeal pages: only public fields ever leave the database here.

The applicant's identity (АППК art. 63) is never selected: querysets name their columns
with `only()`, so a template cannot reach a private field even by mistake.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Case, Prefetch, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from appeals.models import Appeal, AppealEvent, AppealFollower, AppealPhoto, Category, Department
from rgis.memo import ProcessMemo
from staff.roles import role_titles

PUBLIC_FIELDS = (
    "number",
    "status",
    "channel",
    "received_at",
    "registered_on",
    "deadline",
    "extended_until",
    "answered_at",
    "address",
    "location",
    "category__slug",
    "category__name_kk",
    "category__name_ru",
    "category__name_en",
    "department__slug",
    "department__name_kk",
    "department__name_ru",
    "department__name_en",
)
DETAIL_FIELDS = (
    *PUBLIC_FIELDS,
    "description",
    "description_hidden",
    "hidden_reason",
    "answer",
    "extension_reason",
    "accepted_by",
)


@dataclass(frozen=True)
class AppealFilters:
    """What the list and the journal may be narrowed to (all optional)."""

    category: Category | None = None
    status: str = ""
    department: Department | None = None
    received_from: datetime.date | None = None
    received_to: datetime.date | None = None


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def appeals_public_filtered(filters: AppealFilters) -> QuerySet[Appeal]:
    """Appeals narrowed by the filters, newest first, with public fields only."""
    rows = Appeal.objects.select_related("category", "department").only(*PUBLIC_FIELDS)
    if filters.category is not None:
        rows = rows.filter(category=filters.category)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.department is not None:
        rows = rows.filter(department=filters.department)
    if filters.received_from is not None:
        rows = rows.filter(received_at__gte=_day_start(filters.received_from))
    if filters.received_to is not None:
        next_day = filters.received_to + datetime.timedelta(days=1)
        rows = rows.filter(received_at__lt=_day_start(next_day))
    return rows.order_by("-received_at", "-pk")


def appeal_public_get(number: str) -> Appeal | None:
    """One appeal with its history and the photos the public may see; None if unknown."""
    public_photos = AppealPhoto.objects.filter(is_hidden=False).order_by("source", "pk")
    return (
        Appeal.objects.select_related("category", "department")
        .only(*DETAIL_FIELDS)
        .prefetch_related(
            Prefetch("photos", queryset=public_photos, to_attr="public_photos"),
            Prefetch(
                "events",
                queryset=AppealEvent.objects.only(
                    "appeal_id", "at", "status_before", "status_after", "note"
                ).order_by("at", "pk"),
                to_attr="history",
            ),
        )
        .filter(number=number)
        .first()
    )


def appeal_hidden_photo_reasons(appeal: Appeal) -> list[str]:
    """Why a moderator hid each hidden photo (the photos themselves stay hidden)."""
    return list(
        appeal.photos.filter(is_hidden=True).order_by("pk").values_list("hidden_reason", flat=True)
    )


def appeal_photo_public_get(number: str, photo_id: int) -> AppealPhoto | None:
    """A photo of an appeal that a moderator did not hide; None otherwise."""
    return (
        AppealPhoto.objects.filter(pk=photo_id, appeal__number=number, is_hidden=False)
        .only("image", "appeal_id")
        .first()
    )


def appeal_receipt_get(number: str) -> Appeal | None:
    """An appeal with what its receipt (талон) shows: no personal data of the filer."""
    return (
        Appeal.objects.select_related("category", "department", "accepted_by")
        .only(
            *PUBLIC_FIELDS,
            "accepted_by__first_name",
            "accepted_by__username",
            "accepted_by__is_staff",
        )
        .filter(number=number)
        .first()
    )


def appeal_accepted_by_label(appeal: Appeal) -> str:
    """Who accepted the appeal, as the receipt says it: the portal, or the operator's role
    and first name (enough to be asked for at the front office; no full names published)."""
    user = appeal.accepted_by
    if user is None:
        return _("the e-RGIS portal (online)")
    titles = role_titles()
    roles = [titles[g] for g in user.groups.values_list("name", flat=True) if g in titles]
    role = roles[0] if roles else _("Operator")
    return f"{role} {user.first_name}".strip()


def appeal_number_by_key(key: str) -> str | None:
    """The number of the appeal filed with this idempotency key, if one was."""
    # Asked on every post of the filing form (and by the filing service), most often in
    # vain: one indexed look-up written out costs a third of the ORM's query. Always on the
    # primary: a replica may not have the appeal filed a moment ago.
    with connection.cursor() as cursor:
        cursor.execute("SELECT number FROM appeals_appeal WHERE idempotency_key = %s", [key])
        row = cursor.fetchone()
    return row[0] if row else None


def follower_by_token(number: str, token: str) -> AppealFollower | None:
    """The follower of an appeal holding this token (the link in its letters); None if none."""
    return (
        AppealFollower.objects.select_related("appeal")
        .filter(appeal__number=number, token=token)
        .first()
    )


@dataclass(frozen=True)
class ActiveCategories:
    """The categories in use, with their departments: by code, and grouped for the form."""

    by_slug: dict[str, Category]
    groups: list[tuple[Department, list[Category]]]
    # What pages made of these categories (the form's list in each language), kept with
    # them: a change of the categories is a new ActiveCategories.
    rendered: dict[tuple[str, ...], str] = field(default_factory=dict)


def _active_categories_read() -> ActiveCategories:
    by_slug: dict[str, Category] = {}
    groups: dict[int, tuple[Department, list[Category]]] = {}
    categories = (
        Category.objects.filter(is_active=True)
        .select_related("department")
        .order_by("position", "slug")
    )
    for category in categories:
        by_slug[category.slug] = category
        groups.setdefault(category.department_id, (category.department, []))[1].append(category)
    return ActiveCategories(by_slug, list(groups.values()))


# Read by every filing page and every appeal filed; staff change them a few times a year.
active_categories = ProcessMemo(_active_categories_read)


def category_get(slug: str) -> Category | None:
    """The category with this code, in use or not; None if none."""
    return Category.objects.filter(slug=slug).first()


def category_active_get(slug: str) -> Category | None:
    """The category in use with this code (its department read with it); None if none."""
    return active_categories.get().by_slug.get(slug)


def journal_count(filters: AppealFilters, *, at_most: int) -> int:
    """How many appeals the journal's filters give, counting no further than `at_most`."""
    return appeals_public_filtered(filters).order_by()[:at_most].count()


def journal_rows(
    filters: AppealFilters, language: str, *, limit: int, batch: int = 1000
) -> Iterator[tuple[Any, ...]]:
    """The journal's CSV rows, oldest first, at most `limit`: read in batches after the
    last row sent (keyset paging), each a short query; no cursor held open meanwhile."""
    suffix = language if language in ("kk", "ru", "en") else "kk"
    rows = (
        appeals_public_filtered(filters)
        .order_by("received_at", "pk")
        .values_list(
            "pk",
            "number",
            "received_at",
            "registered_on",
            f"category__name_{suffix}",
            "category__name_kk",
            f"department__name_{suffix}",
            "department__name_kk",
            "status",
            "deadline",
            "extended_until",
            "answered_at",
        )
    )
    sent = 0
    after: tuple[datetime.datetime, int] | None = None
    while sent < limit:
        page = rows
        if after is not None:
            moment, pk = after
            page = rows.filter(Q(received_at__gt=moment) | Q(received_at=moment, pk__gt=pk))
        chunk = list(page[: min(batch, limit - sent)])
        for row in chunk:
            yield row[1:]
        sent += len(chunk)
        if len(chunk) < batch:
            return
        after = (chunk[-1][2], chunk[-1][0])


def overdue_condition(today: datetime.date) -> Q:
    """Open appeals whose (extended) due date has passed."""
    return Q(status__in=Appeal.OPEN_STATUSES) & (
        Q(extended_until__lt=today) | Q(extended_until__isnull=True, deadline__lt=today)
    )


def appeals_with_timeliness(rows: QuerySet[Appeal], today: datetime.date) -> QuerySet[Appeal]:
    """Rows marked `overdue` (open past due) and `late` (answered after the due date)."""
    due = Coalesce("extended_until", "deadline")
    return rows.annotate(
        overdue=Case(When(overdue_condition(today), then=True), default=False),
        late=Case(When(answered_at__date__gt=due, then=True), default=False),
    )
