"""The protocol (issue 14, item 6): refused before the window closes; its page, DOCX and PDF
hold every comment's pseudonym and every answer's reason under Kazakh and Russian headings;
revisions are frozen."""

import datetime
import hashlib
import io

import docx
import pypdf
import pytest
from django.utils import timezone

from hearings.errors import HearingRefusal
from hearings.models import Comment, Hearing, Protocol
from hearings.services.answers import comment_answer
from hearings.services.comments import Author, Place
from hearings.services.moderation import comment_hide
from hearings.services.protocols import protocol_generate
from staff.models import AuditEntry
from tests.hearings.conftest import comment_make, topic

pytestmark = pytest.mark.django_db

HEADINGS = (
    "Қоғамдық тыңдаулардың хаттамасы",
    "Протокол публичных слушаний",
    "Тыңдаулар туралы мәліметтер",
    "Сведения о слушаниях",
    "Ашық жиналыстар",
    "Открытые собрания",
)
REASONS = ("Көше кеңейтіледі.", "Улица будет расширена.", "Мектеп жоспарда бар.", "Вне рамок.")


def close(hearing: Hearing) -> Hearing:
    """The window ended an hour ago and the organiser closed the hearing."""
    Hearing.objects.filter(pk=hearing.pk).update(
        status=Hearing.Status.CLOSED, closes_at=timezone.now() - datetime.timedelta(hours=1)
    )
    hearing.refresh_from_db()
    return hearing


@pytest.fixture
def discussed(open_hearing, organiser) -> Hearing:
    """Four comments in three topics: answered in both languages, in one, hidden, unanswered."""
    roads, _ = comment_make(open_hearing, text="Расширить улицу Толе би.")
    school, _ = comment_make(
        open_hearing,
        topic=topic("schools"),
        text="Мектеп салу керек.",
        lives_inside=False,
        place=Place(lat=42.9012, lon=71.3789),
        language="kk",
        author=Author(full_name="Ерлан Досов", phone="+7 705 111 2233"),
    )
    hidden, _ = comment_make(open_hearing, topic=topic("housing"), text="Сосед — жулик!")
    comment_make(open_hearing, text="Без места и без ответа.", place=Place())
    comment_answer(comment=roads, verdict="accepted", reason_kk=REASONS[0],
                   reason_ru=REASONS[1], actor=organiser)  # fmt: skip
    comment_answer(comment=school, verdict="partly", reason_kk=REASONS[2], reason_ru="",
                   actor=organiser)  # fmt: skip
    comment_answer(comment=hidden, verdict="out_of_scope", reason_kk="", reason_ru=REASONS[3],
                   actor=organiser)  # fmt: skip
    comment_hide(comment=hidden, reason="Оскорбление", actor=organiser)
    return close(open_hearing)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells)


def files_text(protocol: Protocol) -> dict[str, str]:
    return {
        "html": protocol.html.read().decode(),
        "docx": docx_text(protocol.docx.open("rb").read()),
        "pdf": pdf_text(protocol.pdf.open("rb").read()),
    }


def test_the_protocol_is_refused_before_the_window_closes(open_hearing, organiser):
    comment_make(open_hearing)
    with pytest.raises(HearingRefusal, match="once the comment window has closed"):
        protocol_generate(hearing=open_hearing, actor=organiser)
    # Closed too early by hand: the window's end still rules.
    Hearing.objects.filter(pk=open_hearing.pk).update(status=Hearing.Status.CLOSED)
    open_hearing.refresh_from_db()
    with pytest.raises(HearingRefusal):
        protocol_generate(hearing=open_hearing, actor=organiser)
    assert not Protocol.objects.exists()
    assert Hearing.objects.get(pk=open_hearing.pk).status == Hearing.Status.CLOSED


def test_every_file_holds_every_pseudonym_and_reason_in_both_languages(discussed, organiser):
    protocol = protocol_generate(hearing=discussed, actor=organiser)
    assert protocol.number == 1 and protocol.comment_count == 4
    assert Hearing.objects.get(pk=discussed.pk).status == Hearing.Status.PROTOCOL_PUBLISHED
    for kind, text in files_text(protocol).items():
        flat = " ".join(text.split())
        for heading in HEADINGS:
            assert heading in flat, (kind, heading)
        for number in range(1, 5):
            assert f"Сынақ тұрғыны #{number}" in flat, (kind, number)
            assert f"Житель Сынақ #{number}" in flat, (kind, number)
        for reason in REASONS:
            assert reason in flat, (kind, reason)
        assert "Расширить улицу Толе би." in flat, kind
        assert PARCEL_WORDS in flat, kind
        assert "42.90120° с.ш., 71.37890° в.д." in flat, kind
        assert "без привязки к месту" in flat, kind
        # The hidden comment: the moderator's reason, not its text.
        assert "Оскорбление" in flat and "жулик" not in flat, kind
        assert "Ескертулер, ұсыныстар және оларға жауаптар" in flat, kind


PARCEL_WORDS = "06-097-001-003"


def test_the_counts_by_channel_and_territory(discussed, organiser):
    html = protocol_generate(hearing=discussed, actor=organiser).html.read().decode()
    # Four comments by the portal: three from inside the territory, one from outside.
    assert "<th scope=row>портал арқылы / через портал</th>" in html
    assert '<td class="count">3</td><td class="count">1</td><td class="count">4</td>' in html


def test_a_second_generation_is_revision_2_and_revision_1_stays(discussed, organiser):
    first = protocol_generate(hearing=discussed, actor=organiser)
    first_pdf = first.pdf.open("rb").read()
    assert hashlib.sha256(first_pdf).hexdigest() == first.pdf_sha256
    Comment.objects.filter(hearing=discussed, number=4).update(text="Изменено после протокола.")
    second = protocol_generate(hearing=discussed, actor=organiser)
    assert second.number == 2 and second.pdf.name != first.pdf.name
    assert "Изменено после протокола." in second.html.read().decode()
    first.refresh_from_db()
    for kind in ("html", "docx", "pdf"):
        data = getattr(first, kind).open("rb").read()
        assert hashlib.sha256(data).hexdigest() == getattr(first, f"{kind}_sha256"), kind
    assert "Изменено после протокола." not in first.html.open("rb").read().decode()
    actions = list(
        AuditEntry.objects.filter(action__startswith="hearings.protocol").values_list(
            "action", flat=True
        )
    )
    assert actions == ["hearings.protocol.generate"] * 2
    assert AuditEntry.objects.filter(action="hearings.hearing.protocol_published").count() == 1


def test_a_failure_leaves_no_half_revision(discussed, organiser, monkeypatch, settings):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("hearings.services.protocols.protocol_pdf", broken)
    with pytest.raises(RuntimeError):
        protocol_generate(hearing=discussed, actor=organiser)
    assert not Protocol.objects.exists()
    assert Hearing.objects.get(pk=discussed.pk).status == Hearing.Status.CLOSED
    folder = settings.MEDIA_ROOT / "hearings" / "protocols"
    assert not folder.exists() or not any(folder.rglob("*.*"))


# ----------------------------------------------------------------------------- the pages


def test_the_organiser_generates_from_the_board_and_the_public_reads_it(
    client, discussed, organiser
):
    client.force_login(organiser)
    board = client.get(f"/en/staff/hearings/{discussed.pk}/").content.decode()
    assert "data-generate-protocol" in board
    response = client.post(f"/en/staff/hearings/{discussed.pk}/protocol/", follow=True)
    assert "The protocol is generated" in response.content.decode()
    first = Protocol.objects.get()
    client.post(f"/en/staff/hearings/{discussed.pk}/protocol/")
    second = Protocol.objects.get(number=2)
    assert second.generated_by == organiser

    client.logout()
    page = client.get(f"/ru/hearings/{discussed.slug}/").content.decode()
    assert 'data-protocol="2"' in page and second.pdf_sha256 in page
    assert 'data-protocol-revision="1"' in page and first.pdf_sha256 in page
    printable = client.get(f"/ru/hearings/{discussed.slug}/protocol/1/")
    assert printable.status_code == 200
    assert hashlib.sha256(printable.content).hexdigest() == first.html_sha256
    assert "script-src" not in printable["Content-Security-Policy"]
    assert "default-src 'none'" in printable["Content-Security-Policy"]
    for kind in ("pdf", "docx"):
        download = client.get(f"/ru/hearings/{discussed.slug}/protocol/1.{kind}")
        assert download.status_code == 200
        data = b"".join(download.streaming_content)
        assert hashlib.sha256(data).hexdigest() == getattr(first, f"{kind}_sha256")
    assert client.get(f"/ru/hearings/{discussed.slug}/protocol/3/").status_code == 404


def test_the_board_refuses_before_the_window_closes(client, open_hearing, organiser):
    client.force_login(organiser)
    response = client.post(f"/en/staff/hearings/{open_hearing.pk}/protocol/", follow=True)
    assert "once the comment window has closed" in response.content.decode()
    assert not Protocol.objects.exists()


@pytest.mark.parametrize("role", ["planner", "moderator", None])
def test_only_an_organiser_generates(staff_client, discussed, role):
    client, _user = staff_client(role)
    assert client.post(f"/en/staff/hearings/{discussed.pk}/protocol/").status_code == 403
    assert not Protocol.objects.exists()
