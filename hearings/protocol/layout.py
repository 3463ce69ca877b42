"""The protocol laid out once as a list of blocks (headings, facts, paragraphs, a table), so
the printable page, the DOCX and the PDF say exactly the same words in the same order."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from hearings.protocol.content import ProtocolComment, ProtocolContent
from hearings.protocol.wording import WORDS, both, coordinates_both, pseudonym_both
from hearings.rules import HEARING_ZONE


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 0: the title; 1: a section; 2: a topic; 3: a comment


@dataclass(frozen=True)
class Paragraph:
    text: str
    # "": plain; "label": a bold lead-in then the text; "note": a moderator's or muted note.
    kind: str = ""
    label: str = ""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]


Block = Heading | Paragraph | Table


def moment(value: datetime.datetime) -> str:
    """A moment on the hearings' clock, the same in both languages: 27.11.2026 18:00."""
    return value.astimezone(HEARING_ZONE).strftime("%d.%m.%Y %H:%M")


def protocol_blocks(content: ProtocolContent) -> Iterator[Block]:
    """The whole protocol, block by block (a generator: 5,000 comments are not held twice)."""
    yield Heading(both("title"), 0)
    yield Paragraph(f"{content.title.kk} / {content.title.ru}")
    yield Paragraph(
        f"{content.revision} · {both('generated')}: {moment(content.generated_at)}",
        kind="label",
        label=both("revision"),
    )
    yield Heading(both("particulars"), 1)
    yield Paragraph(f"{content.title.kk} / {content.title.ru}", kind="label", label=both("hearing"))
    yield Paragraph(f"{content.plan.kk} / {content.plan.ru}", kind="label", label=both("plan"))
    kk_version, ru_version = WORDS["version"]
    yield Paragraph(
        f"{content.layer.kk}, {kk_version} {content.version_number} / "
        f"{content.layer.ru}, {ru_version} {content.version_number}",
        kind="label",
        label=both("draft"),
    )
    yield Paragraph(content.territory_name, kind="label", label=both("territory"))
    yield Paragraph(content.organiser_contacts, kind="label", label=both("organiser"))

    yield Heading(both("dates"), 1)
    yield Paragraph(
        content.announced_on.strftime("%d.%m.%Y"), kind="label", label=both("announced")
    )
    yield Paragraph(
        f"{moment(content.opens_at)} — {moment(content.closes_at)}",
        kind="label",
        label=both("window"),
    )
    yield Heading(both("meetings"), 2)
    if not content.meetings:
        yield Paragraph(both("no_meetings"))
    for meeting in content.meetings:
        parts = [moment(meeting.starts_at), meeting.place]
        if meeting.location is not None:
            parts.append(coordinates_both(*meeting.location))
        if meeting.online_link:
            parts.append(f"{both('online')}: {meeting.online_link}")
        yield Paragraph(" — ".join(parts))

    yield Heading(both("counts"), 1)
    rows = [
        [
            both(count.channel),
            str(count.inside),
            str(count.outside),
            str(count.inside + count.outside),
        ]
        for count in content.channel_counts
    ]
    inside = sum(count.inside for count in content.channel_counts)
    outside = sum(count.outside for count in content.channel_counts)
    rows.append([both("total"), str(inside), str(outside), str(inside + outside)])
    yield Table([both("channel"), both("inside"), both("outside"), both("total")], rows)

    yield Heading(both("comments"), 1)
    if not content.topics:
        yield Paragraph(both("no_comments"))
    for group in content.topics:
        yield Heading(f"{group.name.kk} / {group.name.ru} ({len(group.comments)})", 2)
        for comment in group.comments:
            yield from comment_blocks(content.territory_name, comment)


def place_words(comment: ProtocolComment) -> str:
    """Where the comment is about, in words: the address or cadastral number as written,
    the map's point, line or area with its coordinates, or no particular place."""
    parts = []
    if comment.place_text:
        parts.append(comment.place_text)
    if comment.place_kind and comment.place_point is not None:
        parts.append(f"{both(comment.place_kind)}: {coordinates_both(*comment.place_point)}")
    return "; ".join(parts) or both("no_place")


def comment_blocks(territory_name: str, comment: ProtocolComment) -> Iterator[Block]:
    """One comment: pseudonym, when and how it came, place, text (as moderated), answer."""
    yield Heading(pseudonym_both(territory_name, comment.number), 3)
    where = both("inside") if comment.lives_inside else both("outside")
    yield Paragraph(
        f"{moment(comment.received_at)} · {both(comment.channel)} · {where}",
        kind="label",
        label=both("received"),
    )
    if comment.moderation == "hidden":
        yield Paragraph(comment.moderation_reason, kind="label", label=both("hidden"))
    elif comment.moderation == "pending":
        yield Paragraph(both("pending"), kind="note")
    else:
        yield Paragraph(place_words(comment), kind="label", label=both("place"))
        yield Paragraph(comment.text, kind="label", label=both("text"))
        if comment.edited_by_moderator:
            yield Paragraph(both("edited"), kind="note")
    if not comment.verdict:
        yield Paragraph(both("unanswered"), kind="label", label=both("answer"))
        return
    answered = "" if comment.answered_at is None else f" · {moment(comment.answered_at)}"
    yield Paragraph(f"{both(comment.verdict)}{answered}", kind="label", label=both("answer"))
    reasons = [reason for reason in (comment.reason_kk, comment.reason_ru) if reason]
    if len(reasons) == 2 and reasons[0] == reasons[1]:
        reasons = reasons[:1]
    for reason in reasons:
        yield Paragraph(reason, kind="label", label=both("reason"))
