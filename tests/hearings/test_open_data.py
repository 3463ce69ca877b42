"""Open data (issue 14, item 7): every comment with its answer and dates, as GeoJSON and CSV,
under pseudonyms; a hidden comment keeps its row but not its text or place."""

import csv
import io

import pytest

from hearings.services.answers import comment_answer
from hearings.services.comments import Place
from hearings.services.moderation import comment_hide
from tests.factories import StaffUserFactory
from tests.hearings.conftest import comment_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def discussion(open_hearing, organiser):
    """Three comments: on a parcel and answered, a pin, and one hidden by the moderator."""
    parcel, _ = comment_make(open_hearing, text="Сохраните сквер у школы.")
    comment_answer(
        comment=parcel, verdict="partly", reason_kk="Ішінара.", reason_ru="Частично учтено.",
        actor=organiser,
    )  # fmt: skip
    comment_make(open_hearing, text="Нужен светофор здесь.", place=Place(lat=42.9, lon=71.37))
    hidden, _ = comment_make(open_hearing, text="Грубый текст про соседа.", place=Place())
    comment_hide(comment=hidden, reason="Оскорбления.", actor=StaffUserFactory(role="moderator"))
    return open_hearing


def test_the_geojson_has_every_comment_with_its_answer(client, discussion):
    response = client.get(f"/en/hearings/{discussion.slug}/open-data/comments.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    features = response.json()["features"]
    assert [feature["id"] for feature in features] == [1, 2, 3]
    first, pin, hidden = (feature["properties"] for feature in features)
    assert first["pseudonym"] == "Resident of Сынақ #1"
    assert first["answer"] == "partly" and first["answer_reason_ru"] == "Частично учтено."
    assert first["answered_at"].endswith("+05:00") and first["received_at"]
    assert features[0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert features[1]["geometry"] == {"type": "Point", "coordinates": [71.37, 42.9]}
    assert pin["answer"] == "" and pin["answered_at"] is None
    assert hidden["moderation"] == "hidden" and hidden["moderation_reason"] == "Оскорбления."
    assert hidden["text"] == "" and features[2]["geometry"] is None
    assert "Грубый" not in response.content.decode()


def test_the_csv_has_the_same_rows(client, discussion):
    response = client.get(f"/ru/hearings/{discussion.slug}/open-data/comments.csv")
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert [row["number"] for row in rows] == ["1", "2", "3"]
    assert (
        rows[0]["answer_reason_kk"] == "Ішінара." and rows[0]["text"] == "Сохраните сквер у школы."
    )
    assert 42.8 < float(rows[0]["lat"]) < 43.0 and 71.2 < float(rows[0]["lon"]) < 71.5
    assert (rows[1]["lat"], rows[1]["lon"]) == ("42.900000", "71.370000")
    assert rows[2]["text"] == "" and rows[2]["lat"] == ""


def test_the_hearing_page_links_the_open_data(client, discussion):
    page = client.get(f"/en/hearings/{discussion.slug}/").content.decode()
    assert f"/en/hearings/{discussion.slug}/open-data/comments.geojson" in page
    assert f"/en/hearings/{discussion.slug}/open-data/comments.csv" in page


def test_the_exports_read_in_a_fixed_number_of_queries(
    client, discussion, django_assert_max_num_queries
):
    for _index in range(5):
        comment_make(discussion)
    for extension in ("geojson", "csv"):
        with django_assert_max_num_queries(4):
            client.get(f"/en/hearings/{discussion.slug}/open-data/comments.{extension}")
