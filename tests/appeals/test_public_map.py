"""The appeals on the home map: a layer of the switcher, fed by /api/appeals/map, which
clusters in SQL below zoom 16 and gives single appeals from there on."""

import pytest
from django.core.cache import cache

from appeals.services.processing import appeal_answer
from tests.appeals.public_seed import TARAZ, appeal_filed
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db

LAT, LON = TARAZ
CITY = "71.27,42.84,71.46,42.97"


@pytest.fixture
def appeals():
    operator = StaffUserFactory(role="appeals_operator")
    close = [appeal_filed(lat=LAT + i * 0.0002) for i in range(5)]  # within ~100 m
    appeal_answer(appeal=close[0], text="Сделано", actor=operator)
    apart = appeal_filed(slug="roads", lat=42.95, lon=71.42)
    return close, apart


def features(client, bbox=CITY, zoom=12, queries=None):
    response = client.get(f"/api/appeals/map?bbox={bbox}&zoom={zoom}")
    assert response.status_code == 200
    return response.json()["features"]


def test_at_city_zoom_close_appeals_come_as_one_cluster_with_counts_by_status(
    client, appeals, django_assert_max_num_queries
):
    close, apart = appeals
    with django_assert_max_num_queries(1):
        found = features(client, zoom=12)
    clusters = [f for f in found if "count" in f["properties"]]
    singles = [f for f in found if "number" in f["properties"]]
    assert len(clusters) == 1 and clusters[0]["properties"]["count"] == 5
    assert clusters[0]["properties"]["statuses"] == {"registered": 4, "answered": 1}
    assert clusters[0]["properties"]["status"] == "registered"
    assert [f["properties"]["number"] for f in singles] == [apart.number]
    assert singles[0]["properties"]["category"] in ("Жолдар", "Дороги", "Roads")


def test_from_zoom_16_every_appeal_comes_alone_with_its_link(client, appeals):
    close, _apart = appeals
    found = features(client, bbox="71.36,42.89,71.38,42.91", zoom=17)
    numbers = {f["properties"]["number"] for f in found}
    assert numbers == {a.number for a in close}
    one = next(f for f in found if f["properties"]["number"] == close[0].number)
    assert one["properties"]["status"] == "answered"
    assert one["properties"]["url"].endswith(f"/appeals/{close[0].number}/")
    assert one["geometry"]["type"] == "Point"
    assert set(one["properties"]) == {"number", "status", "status_label", "category", "url"}


def test_the_box_limits_what_comes(client, appeals):
    found = features(client, bbox="71.40,42.94,71.44,42.96", zoom=17)
    assert [f["properties"]["number"] for f in found] == [appeals[1].number]


@pytest.mark.parametrize(
    "query", ["", "bbox=1,2,3&zoom=12", "bbox=71.4,42.9,71.3,43&zoom=12", f"bbox={CITY}&zoom=x",
              f"bbox={CITY}&zoom=40", "bbox=nan,1,2,3&zoom=3"],
)  # fmt: skip
def test_bad_parameters_are_refused_with_a_message(client, query):
    response = client.get(f"/api/appeals/map?{query}")
    assert response.status_code == 400
    assert response.json()["error"]


def test_the_home_map_offers_the_appeals_layer_with_a_status_legend(client):
    cache.clear()
    page = client.get("/en/").content.decode()
    assert '"appeals"' in page and "Citizen appeals by status" in page
    assert "rgisAppealsLayer" in page and "/api/appeals/map" in page
    entry = page.split('{key: "appeals"')[1].split("layer:")[0]
    assert '{"colour": "#15803d", "label": "answered"}' in entry
