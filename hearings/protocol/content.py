"""What a hearing's protocol says, read once from the database (hearings.selectors.protocols)
and laid out by hearings.protocol.layout for the page, the DOCX and the PDF alike."""

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Bilingual:
    """A name the protocol gives in Kazakh and in Russian."""

    kk: str
    ru: str


@dataclass(frozen=True)
class ProtocolMeeting:
    starts_at: datetime.datetime
    place: str
    # (latitude, longitude) of the meeting's point on the map, if it has one.
    location: tuple[float, float] | None
    online_link: str


@dataclass(frozen=True)
class ChannelCount:
    """Comments that came by one channel, from inside and from outside the territory."""

    channel: str
    inside: int
    outside: int


@dataclass(frozen=True)
class ProtocolComment:
    """A comment as the protocol gives it: the pseudonym's number, never who wrote it; a
    hidden comment without its text or place."""

    number: int
    received_at: datetime.datetime
    channel: str
    lives_inside: bool
    moderation: str
    moderation_reason: str
    edited_by_moderator: bool
    text: str
    place_text: str
    # "point", "line" or "area" for a place drawn or found on the map; "" without one.
    place_kind: str
    # (latitude, longitude) of the place's representative point, WGS 84.
    place_point: tuple[float, float] | None
    verdict: str
    reason_kk: str
    reason_ru: str
    answered_at: datetime.datetime | None


@dataclass(frozen=True)
class TopicGroup:
    name: Bilingual
    comments: list[ProtocolComment] = field(default_factory=list)


@dataclass(frozen=True)
class ProtocolContent:
    """Everything a revision of the protocol says, in the order it says it."""

    revision: int
    generated_at: datetime.datetime
    hearing_slug: str
    title: Bilingual
    plan: Bilingual
    layer: Bilingual
    version_number: int
    territory_name: str
    organiser_contacts: str
    announced_on: datetime.date
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    meetings: list[ProtocolMeeting]
    channel_counts: list[ChannelCount]
    topics: list[TopicGroup]

    @property
    def comment_count(self) -> int:
        return sum(len(group.comments) for group in self.topics)
