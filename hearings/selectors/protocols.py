"""The protocol's reads: what a revision says (a handful of queries whatever the number of
comments), and the revisions a hearing has."""

import datetime

from django.contrib.gis.db.models.functions import PointOnSurface, Transform
from django.db.models import CharField, Count, Func

from hearings.models import Comment, Hearing, Protocol
from hearings.protocol.content import (
    Bilingual,
    ChannelCount,
    ProtocolComment,
    ProtocolContent,
    ProtocolMeeting,
    TopicGroup,
)

# PostGIS's GeometryType() of a comment's place, and what the protocol calls it.
PLACE_KINDS = {
    "POINT": "point",
    "MULTIPOINT": "point",
    "LINESTRING": "line",
    "MULTILINESTRING": "line",
    "POLYGON": "area",
    "MULTIPOLYGON": "area",
}


def protocol_content(
    hearing: Hearing, *, revision: int, generated_at: datetime.datetime
) -> ProtocolContent:
    """Everything revision `revision` of the protocol says. No author field is read."""
    hearing = Hearing.objects.select_related("plan", "version__layer").get(pk=hearing.pk)
    meetings = [
        ProtocolMeeting(
            starts_at=meeting.starts_at,
            place=meeting.place,
            location=None if meeting.location is None else (meeting.location.y, meeting.location.x),
            online_link=meeting.online_link,
        )
        for meeting in hearing.meetings.order_by("starts_at")
    ]
    return ProtocolContent(
        revision=revision,
        generated_at=generated_at,
        hearing_slug=hearing.slug,
        title=Bilingual(hearing.title_kk, hearing.title_ru or hearing.title_kk),
        plan=Bilingual(hearing.plan.name_kk, hearing.plan.name_ru or hearing.plan.name_kk),
        layer=Bilingual(
            hearing.version.layer.name_kk,
            hearing.version.layer.name_ru or hearing.version.layer.name_kk,
        ),
        version_number=hearing.version.number,
        territory_name=hearing.territory_name,
        organiser_contacts=hearing.organiser_contacts,
        announced_on=hearing.announced_on,
        opens_at=hearing.opens_at,
        closes_at=hearing.closes_at,
        meetings=meetings,
        channel_counts=_channel_counts(hearing),
        topics=_topic_groups(hearing),
    )


def _channel_counts(hearing: Hearing) -> list[ChannelCount]:
    """Comments by channel, inside and outside the territory: one grouped query."""
    counted = {
        (row["channel"], row["lives_inside"]): row["count"]
        for row in Comment.objects.filter(hearing=hearing)
        .values("channel", "lives_inside")
        .annotate(count=Count("pk"))
        .order_by()
    }
    return [
        ChannelCount(
            channel=channel,
            inside=counted.get((channel, True), 0),
            outside=counted.get((channel, False), 0),
        )
        for channel in Comment.Channel.values
        if counted.get((channel, True)) or counted.get((channel, False))
    ]


def _topic_groups(hearing: Hearing) -> list[TopicGroup]:
    """Every comment, grouped by topic in the topics' order, numbered order within each:
    one query read in chunks (the place's representative point computed by PostGIS)."""
    rows = (
        Comment.objects.filter(hearing=hearing)
        .annotate(
            point=Transform(PointOnSurface("place"), 4326),
            place_type=Func("place", function="GeometryType", output_field=CharField()),
        )
        .order_by("topic__position", "topic__slug", "number")
        .values_list(
            "topic_id",
            "topic__name_kk",
            "topic__name_ru",
            "number",
            "created_at",
            "channel",
            "lives_inside",
            "moderation",
            "moderation_reason",
            "redacted_at",
            "text",
            "place_text",
            "place_type",
            "point",
            "answer__verdict",
            "answer__reason_kk",
            "answer__reason_ru",
            "answer__answered_at",
        )
    )
    groups: list[TopicGroup] = []
    current_topic = None
    for (
        topic_id, name_kk, name_ru, number, created_at, channel, lives_inside, moderation,
        moderation_reason, redacted_at, text, place_text, place_type, point, verdict, reason_kk,
        reason_ru, answered_at,
    ) in rows.iterator(chunk_size=2000):  # fmt: skip
        if topic_id != current_topic:
            groups.append(TopicGroup(Bilingual(name_kk, name_ru or name_kk)))
            current_topic = topic_id
        shown = moderation == Comment.Moderation.VISIBLE
        groups[-1].comments.append(
            ProtocolComment(
                number=number,
                received_at=created_at,
                channel=channel,
                lives_inside=lives_inside,
                moderation=moderation,
                moderation_reason=moderation_reason,
                edited_by_moderator=redacted_at is not None,
                text=text if shown else "",
                place_text=place_text if shown else "",
                place_kind=PLACE_KINDS.get(place_type or "", "") if shown else "",
                place_point=(point.y, point.x) if shown and point is not None else None,
                verdict=verdict or "",
                reason_kk=reason_kk or "",
                reason_ru=reason_ru or "",
                answered_at=answered_at,
            )
        )
    return groups


def hearing_protocols(hearing: Hearing) -> list[Protocol]:
    """The hearing's protocol revisions, the latest first."""
    return list(hearing.protocols.order_by("-number"))


def protocol_get(hearing: Hearing, number: int) -> Protocol | None:
    return hearing.protocols.filter(number=number).first()
