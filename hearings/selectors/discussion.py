"""Every non-trivial read of the discussion: public pages, the map data, the staff board,
moderation and open data (the protocol's reads are in hearings.selectors.protocols)."""

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import AsGeoJSON, Transform
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from geodata.models import LayerVersion
from hearings.models import (
    Answer,
    Comment,
    CommentPhoto,
    CommentReport,
    Hearing,
    HearingDocument,
    Meeting,
    Topic,
)
from parcels.cadastre import cadastral_number_normalise
from parcels.models import Parcel
from rgis.personal import personal_decrypt

# Who wrote a comment, and what a moderator took out of it: never read for a public page.
AUTHOR_FIELDS = (
    "author_name_encrypted",
    "author_email_encrypted",
    "author_phone_encrypted",
    "author_iin_encrypted",
    "author_iin_digest",
    "text_original",
)
PUBLIC_STATUSES = [status for status in Hearing.Status.values if status != Hearing.Status.DRAFT]


def hearing_public_get(key: str) -> Hearing | None:
    """An announced (or later) hearing by its number or its code; None if there is none."""
    hearings = Hearing.objects.select_related("plan", "version__layer").filter(
        status__in=PUBLIC_STATUSES
    )
    found = hearings.filter(pk=int(key)) if key.isdigit() else hearings.filter(slug=key)
    return found.first()


def hearings_public_list() -> QuerySet[Hearing]:
    """Every hearing the public may see, open ones first, with their number of comments."""
    return (
        Hearing.objects.select_related("plan")
        .filter(status__in=PUBLIC_STATUSES)
        .annotate(comment_count=Count("comments"))
        .order_by("-opens_at")
    )


HOME_NOTICE_LIMIT = 5


def hearings_open_now() -> list[Hearing]:
    """The hearings taking comments at this moment, closing soonest first (a few at most:
    the home page lists them)."""
    now = timezone.now()
    return list(
        Hearing.objects.filter(status=Hearing.Status.OPEN, opens_at__lte=now, closes_at__gt=now)
        .only("slug", "title_kk", "title_ru", "title_en", "closes_at")
        .order_by("closes_at")[:HOME_NOTICE_LIMIT]
    )


def hearing_open_for_plan(plan_id: int) -> Hearing | None:
    """The plan's latest public hearing (the plan's page links to it); None if none."""
    return (
        Hearing.objects.filter(plan_id=plan_id, status__in=PUBLIC_STATUSES)
        .order_by("-opens_at")
        .first()
    )


def hearing_meetings(hearing: Hearing) -> list[Meeting]:
    return list(hearing.meetings.order_by("starts_at"))


def hearing_documents(hearing: Hearing) -> list[HearingDocument]:
    return list(hearing.documents.order_by("uploaded_at", "pk"))


def hearing_document_get(hearing: Hearing, pk: int) -> HearingDocument | None:
    return hearing.documents.filter(pk=pk).first()


def topics_active() -> list[Topic]:
    return list(Topic.objects.filter(is_active=True).order_by("position", "slug"))


@dataclass(frozen=True)
class CommentFilters:
    """The list's filters: a topic code, answered or not, inside or outside the territory."""

    topic: str = ""
    answered: bool | None = None
    inside: bool | None = None


def hearing_comments(hearing: Hearing, filters: CommentFilters) -> QuerySet[Comment]:
    """The hearing's comments in order, with topic, answer and photos (no personal data read)."""
    comments = (
        Comment.objects.filter(hearing=hearing)
        .select_related("topic", "answer")
        .prefetch_related("photos")
        .defer(*AUTHOR_FIELDS)
        .annotate(place_wgs84=Transform("place", 4326))
        .order_by("number")
    )
    if filters.topic:
        comments = comments.filter(topic__slug=filters.topic)
    if filters.answered is not None:
        comments = comments.filter(answer__isnull=not filters.answered)
    if filters.inside is not None:
        comments = comments.filter(lives_inside=filters.inside)
    return comments


def hearing_comments_geojson(hearing: Hearing) -> dict:
    """The placed comments as WGS 84 GeoJSON, coloured by topic: what the map draws.

    Only what the public list shows: the pseudonym's number, topic, text, answer.
    """
    rows = (
        Comment.objects.filter(
            hearing=hearing, place__isnull=False, moderation=Comment.Moderation.VISIBLE
        )
        .annotate(wgs84=AsGeoJSON(Transform("place", 4326), precision=6))
        .order_by("number")
        .values_list(
            "number",
            "text",
            "wgs84",
            "topic__slug",
            "topic__colour",
            "topic__name_kk",
            "topic__name_ru",
            "topic__name_en",
            "answer__verdict",
        )
    )
    language = _language()
    features = []
    for number, text, geometry, slug, colour, name_kk, name_ru, name_en, verdict in rows:
        names = {"kk": name_kk, "ru": name_ru, "en": name_en}
        features.append(
            {
                "type": "Feature",
                "id": number,
                "geometry": json.loads(geometry),
                "properties": {
                    "number": number,
                    "pseudonym": str(Comment(number=number).pseudonym(hearing.territory_name)),
                    "topic": slug,
                    "topic_name": names.get(language) or name_kk,
                    "colour": colour,
                    "text": text[:300],
                    "answer": str(Answer.Verdict(verdict).label) if verdict else "",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _language() -> str:
    return (get_language() or "kk")[:2]


def hearing_territory_bounds(hearing: Hearing) -> tuple[float, float, float, float]:
    """(west, south, east, north) of the territory in WGS 84, for fitting the map."""
    territory = hearing.territory.transform(4326, clone=True)
    west, south, east, north = territory.extent
    return (west, south, east, north)


def parcel_by_cadastral_number(text: str) -> Parcel | None:
    """The registered parcel with this number, however it was typed; None if none."""
    number = cadastral_number_normalise(text)
    return Parcel.objects.filter(cadastral_number=number).only("pk", "geometry").first()


def comment_public_get(hearing: Hearing, number: int) -> Comment | None:
    """A comment of a public hearing by its number, without its author's fields."""
    return Comment.objects.filter(hearing=hearing, number=number).defer(*AUTHOR_FIELDS).first()


def comment_photo_public_get(hearing: Hearing, pk: int) -> CommentPhoto | None:
    """A photo the public may see: of a comment of this hearing that is not hidden."""
    return CommentPhoto.objects.filter(
        pk=pk, comment__hearing=hearing, comment__moderation=Comment.Moderation.VISIBLE
    ).first()


def comment_by_key(key: str) -> Comment | None:
    return Comment.objects.select_related("hearing").filter(idempotency_key=key).first()


# ------------------------------------------------------------------ the organiser's side


def hearings_staff_list() -> QuerySet[Hearing]:
    """Every hearing with its number of comments and of unanswered ones."""
    return (
        Hearing.objects.select_related("plan")
        .annotate(
            comment_count=Count("comments"),
            unanswered_count=Count("comments", filter=Q(comments__answer__isnull=True)),
        )
        .order_by("-opens_at")
    )


def hearing_staff_get(pk: int) -> Hearing | None:
    return Hearing.objects.select_related("plan", "version__layer").filter(pk=pk).first()


@dataclass(frozen=True)
class BoardComment:
    """A comment on the organiser's board, with who wrote it (decrypted for staff only)."""

    comment: Comment
    pseudonym: str
    author_name: str
    author_contact: str
    has_iin: bool


def hearing_board(hearing: Hearing) -> list[BoardComment]:
    """The comments, unanswered first (oldest first within each), with their authors."""
    answered = Answer.objects.filter(comment=OuterRef("pk"))
    comments = (
        Comment.objects.filter(hearing=hearing)
        .select_related("topic", "answer", "entered_by")
        .annotate(is_answered=Exists(answered))
        .order_by("is_answered", "number")
    )
    return [_board_comment(hearing, comment) for comment in comments]


def _board_comment(hearing: Hearing, comment: Comment) -> BoardComment:
    contacts = [
        personal_decrypt(token)
        for token in (comment.author_email_encrypted, comment.author_phone_encrypted)
        if token
    ]
    return BoardComment(
        comment=comment,
        pseudonym=str(comment.pseudonym(hearing.territory_name)),
        author_name=personal_decrypt(comment.author_name_encrypted),
        author_contact=", ".join(contacts),
        has_iin=bool(comment.author_iin_encrypted),
    )


def comment_staff_get(hearing: Hearing, number: int) -> BoardComment | None:
    comment = (
        Comment.objects.select_related("topic", "answer")
        .filter(hearing=hearing, number=number)
        .first()
    )
    return None if comment is None else _board_comment(hearing, comment)


def versions_for_hearing() -> QuerySet[LayerVersion]:
    """The published plan versions a hearing can show, newest first."""
    return (
        LayerVersion.objects.select_related("layer__plan")
        .filter(published_at__isnull=False)
        .order_by("layer__plan__slug", "layer__slug", "-number")
    )


def hearing_with_deadline(hearings: Iterable[Hearing]) -> list[tuple[Hearing, int]]:
    """Each hearing with the whole days left in its window (0 when closed or past)."""
    now = timezone.now()
    return [(hearing, max(0, (hearing.closes_at - now).days)) for hearing in hearings]


# ------------------------------------------------------------------ the moderator's side


@dataclass(frozen=True)
class ModerationRow:
    """A comment as the moderator sees it: its state, reports, and the text as written."""

    comment: Comment
    pseudonym: str
    report_count: int


def moderation_queue() -> list[ModerationRow]:
    """Comments needing or having had a moderator: hidden pending review first, then the
    reported, the hidden and the edited ones, newest first within each."""
    comments = (
        Comment.objects.select_related("hearing", "topic")
        .defer(*AUTHOR_FIELDS[:-1])
        .annotate(report_count=Count("reports"))
        .filter(
            Q(report_count__gt=0)
            | ~Q(moderation=Comment.Moderation.VISIBLE)
            | Q(redacted_at__isnull=False)
        )
    )
    order = {str(Comment.Moderation.PENDING): 0, str(Comment.Moderation.VISIBLE): 1}
    rows = sorted(
        comments,
        key=lambda comment: (order.get(comment.moderation, 2), -comment.created_at.timestamp()),
    )
    return [
        ModerationRow(
            comment=comment,
            pseudonym=str(comment.pseudonym(comment.hearing.territory_name)),
            report_count=comment.report_count,
        )
        for comment in rows
    ]


def comment_moderation_get(hearing_pk: int, number: int) -> Comment | None:
    """One comment for the moderator, with its hearing and topic (no author read)."""
    return (
        Comment.objects.select_related("hearing", "topic")
        .defer(*AUTHOR_FIELDS[:-1])
        .filter(hearing_id=hearing_pk, number=number)
        .first()
    )


def comment_reports(comment: Comment) -> list[CommentReport]:
    """The reports of a comment, oldest first (no digest is shown)."""
    return list(comment.reports.order_by("created_at").only("reason", "detail", "created_at"))


# ------------------------------------------------------------------------- open data


@dataclass(frozen=True)
class OpenDataComment:
    """One comment as the open data gives it: the pseudonym, never who wrote it; a hidden
    comment keeps its number, dates and answer but loses its text and place."""

    number: int
    pseudonym: str
    received_at: datetime.datetime
    channel: str
    topic: str
    topic_name_kk: str
    topic_name_ru: str
    lives_inside: bool
    moderation: str
    moderation_reason: str
    edited_by_moderator: bool
    text: str
    place_text: str
    geometry: dict | None
    answer: str
    answer_reason_kk: str
    answer_reason_ru: str
    answered_at: datetime.datetime | None


def hearing_comments_open_data(hearing: Hearing) -> list[OpenDataComment]:
    """Every comment of the hearing in order, with its answer, for the GeoJSON and CSV."""
    rows = (
        Comment.objects.filter(hearing=hearing)
        .annotate(wgs84=AsGeoJSON(Transform("place", 4326), precision=6))
        .order_by("number")
        .values(
            "number",
            "created_at",
            "channel",
            "topic__slug",
            "topic__name_kk",
            "topic__name_ru",
            "lives_inside",
            "moderation",
            "moderation_reason",
            "redacted_at",
            "text",
            "place_text",
            "wgs84",
            "answer__verdict",
            "answer__reason_kk",
            "answer__reason_ru",
            "answer__answered_at",
        )
    )
    return [_open_data_comment(hearing, row) for row in rows]


def _open_data_comment(hearing: Hearing, row: dict) -> OpenDataComment:
    shown = row["moderation"] == Comment.Moderation.VISIBLE
    return OpenDataComment(
        number=row["number"],
        pseudonym=str(Comment(number=row["number"]).pseudonym(hearing.territory_name)),
        received_at=row["created_at"],
        channel=row["channel"],
        topic=row["topic__slug"],
        topic_name_kk=row["topic__name_kk"],
        topic_name_ru=row["topic__name_ru"],
        lives_inside=row["lives_inside"],
        moderation=row["moderation"],
        moderation_reason=row["moderation_reason"],
        edited_by_moderator=row["redacted_at"] is not None,
        text=row["text"] if shown else "",
        place_text=row["place_text"] if shown else "",
        geometry=json.loads(row["wgs84"]) if shown and row["wgs84"] else None,
        answer=row["answer__verdict"] or "",
        answer_reason_kk=row["answer__reason_kk"] or "",
        answer_reason_ru=row["answer__reason_ru"] or "",
        answered_at=row["answer__answered_at"],
    )
