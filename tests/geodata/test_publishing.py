"""A publish step between import and the public, and the columns the public may see.

A cadastral export with owners' IINs, names and phones is imported by a planner: nothing
of it is public until a plan publisher publishes it, and then without the flagged columns
(unless ticked) at every door: tiles, TileJSON, OGC API, what's here, downloads, pages.
"""

import gzip
import json
import re

import geopandas as gpd
import mapbox_vector_tile
import pyogrio
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils.translation import override
from shapely.geometry import box

from geodata.importing.core import ImportOptions, layer_import
from geodata.importing.worker import import_job_run
from geodata.models import Layer, LayerVersion
from geodata.services import layer_get_or_create, layer_version_publish, plan_get_or_create
from rgis.personal import iin_invented
from staff.models import AuditEntry
from tests.geodata.conftest import tile_of

pytestmark = pytest.mark.django_db

PUBLIC_ID = "pdp-cad.parcels"
OWNERS = ["Иванов Иван Иванович", "Сейткали Нурлан Болатулы", "Ким Ольга Петровна"]
IINS = [iin_invented(index) for index in range(3)]
PHONES = ["+7 701 234 56 78", "8 (727) 250-12-34", "+77012223344"]
# The points a what's-here visitor taps: one inside each parcel.
CENTRES = [(71.3705 + 0.002 * index, 42.9005) for index in range(3)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def cadastral_export(tmp_path, name="cadastre.geojson", zone="Ж-1"):
    """A GeoJSON as a land office exports it: parcels with their owners' personal data."""
    frame = gpd.GeoDataFrame(
        {
            "KAD_NOMER": [f"06-097-001-00{index}" for index in range(3)],
            "ZONA": [zone] * 3,
            "IIN": IINS,
            "OWNER": OWNERS,
            "contact": PHONES,
            "remark": OWNERS,  # names where the column's name gives nothing away
        },
        geometry=[
            box(lon - 0.0009, lat - 0.0004, lon + 0.0009, lat + 0.0004) for lon, lat in CENTRES
        ],
        crs=4326,
    )
    path = tmp_path / name
    frame.to_file(path, driver="GeoJSON")
    return path


@pytest.fixture
def layer():
    plan, _ = plan_get_or_create(slug="pdp-cad", name_kk="ЕЖЖ", name_ru="ПДП")
    return layer_get_or_create(plan=plan, slug="parcels", kind=Layer.Kind.PARCELS)[0]


def imported(layer, path, *, user=None) -> LayerVersion:
    report = layer_import(
        upload=path,
        original_name=path.name,
        layer=layer,
        options=ImportOptions(),
        user=user,
        commit=True,
    )
    return LayerVersion.objects.get(pk=report["version_id"])


def leaked(text: str) -> list[str]:
    """The personal values found in a public answer."""
    return [value for value in [*IINS, *OWNERS, *PHONES] if value in text]


def tile_properties(client) -> list[dict]:
    tilejson = client.get(f"/tiles/{PUBLIC_ID}.json")
    assert tilejson.status_code == 200
    x, y = tile_of(*CENTRES[1], 16)
    url = tilejson.json()["tiles"][0].replace("http://testserver", "").format(z=16, x=x, y=y)
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    body = (
        gzip.decompress(response.content) if response.get("Content-Encoding") else response.content
    )
    return [f["properties"] for f in mapbox_vector_tile.decode(body)[PUBLIC_ID]["features"]]


def every_public_door(client, version: LayerVersion) -> dict[str, str]:
    """What an anonymous visitor reads of the layer at each door, as text."""
    lon, lat = CENTRES[1]
    number = version.number
    return {
        "tiles": json.dumps(tile_properties(client), ensure_ascii=False),
        "tilejson": client.get(f"/tiles/{PUBLIC_ID}.json").content.decode(),
        "ogc items": client.get(f"/ogc/collections/{PUBLIC_ID}/items").content.decode(),
        "ogc item": client.get(f"/ogc/collections/{PUBLIC_ID}/items/1").content.decode(),
        "ogc html": client.get(f"/ogc/collections/{PUBLIC_ID}/items?f=html").content.decode(),
        "whats here": client.get(f"/api/whats-here?lat={lat}&lon={lon}").content.decode(),
        "page": client.get(f"/en/plans/pdp-cad/parcels/v{number}/").content.decode(),
        "geojson": b"".join(
            client.get(f"/en/plans/pdp-cad/parcels/v{number}/download/geojson/").streaming_content
        ).decode(),
    }


def test_an_import_is_not_public_until_it_is_published(client, tmp_path, layer):
    version = imported(layer, cadastral_export(tmp_path))
    lon, lat = CENTRES[1]

    assert client.get(f"/tiles/{PUBLIC_ID}.json").status_code == 404
    assert client.get(f"/tiles/{PUBLIC_ID}/16/0/0.mvt?v={version.pk}").status_code == 404
    assert client.get(f"/ogc/collections/{PUBLIC_ID}/items").status_code == 404
    assert PUBLIC_ID not in client.get("/ogc/collections").content.decode()
    assert client.get(f"/api/whats-here?lat={lat}&lon={lon}").json()["parcel"] is None
    assert client.get("/en/plans/pdp-cad/parcels/v1/").status_code == 404
    assert client.get("/en/plans/pdp-cad/parcels/v1/download/geojson/").status_code == 404
    assert client.get("/en/plans/pdp-cad/parcels/v1/download/gpkg/").status_code == 404
    assert PUBLIC_ID not in client.get("/en/").content.decode()  # the home map's layers
    assert "06-097-001-000" not in client.get("/en/plans/pdp-cad/parcels/").content.decode()


def test_the_public_keeps_the_published_version_until_the_next_is_published(
    client, tmp_path, layer, staff_client
):
    first = imported(layer, cadastral_export(tmp_path, "v1.geojson", zone="Ж-1"))
    staff, publisher = staff_client("plan_publisher")
    publish_url = f"/en/staff/imports/versions/{first.pk}/publish/"
    assert staff.post(publish_url, {"public_fields": ["ZONA"]}).status_code == 302
    client.logout()
    imported(layer, cadastral_export(tmp_path, "v2.geojson", zone="Р-1"))

    zones = {p["ZONA"] for p in tile_properties(client)}
    items = client.get(f"/ogc/collections/{PUBLIC_ID}/items").json()

    assert zones == {"Ж-1"}
    assert {f["properties"]["ZONA"] for f in items["features"]} == {"Ж-1"}
    assert client.get("/en/plans/pdp-cad/parcels/v2/").status_code == 404


def test_the_publisher_sees_personal_columns_flagged_and_unticked(tmp_path, layer, staff_client):
    version = imported(layer, cadastral_export(tmp_path))
    client, _user = staff_client("plan_publisher")

    page = client.get(f"/en/staff/imports/versions/{version.pk}/publish/").content.decode()

    assert 'data-column-warning="IIN">Values look like IINs.' in page
    assert 'data-column-warning="OWNER">Values look like people&#x27;s names.' in page
    assert 'data-column-warning="remark">' in page
    assert 'data-column-warning="contact">Values look like phone numbers.' in page
    assert 'value="KAD_NOMER" id="column-1" checked' in page
    assert 'value="IIN" id="column-3">' in page  # not checked


def test_published_with_the_defaults_no_personal_column_reaches_any_public_door(
    client, tmp_path, layer, staff_client
):
    planner = staff_client("planner")[1]
    version = imported(layer, cadastral_export(tmp_path), user=planner)
    publisher_client, publisher = staff_client("plan_publisher")
    page = publisher_client.get(f"/en/staff/imports/versions/{version.pk}/publish/")
    ticked = re.findall(
        r'name="public_fields" value="([^"]+)" id="column-\d+" checked', page.content.decode()
    )
    assert ticked == ["KAD_NOMER", "ZONA"]  # what the publisher sends without changing it

    published = publisher_client.post(
        f"/en/staff/imports/versions/{version.pk}/publish/", {"public_fields": ticked}
    )
    assert published.status_code == 302
    publisher_client.logout()

    doors = every_public_door(client, version)

    assert {name: leaked(text) for name, text in doors.items()} == {name: [] for name in doors}
    assert "06-097-001-001" in doors["ogc items"] and "Ж-1" in doors["tiles"]
    assert set(json.loads(doors["geojson"])["features"][0]["properties"]) == {"KAD_NOMER", "ZONA"}
    entry = AuditEntry.objects.get(action="layer.publish")
    assert entry.actor == publisher
    assert entry.after["hidden_fields"] == ["IIN", "OWNER", "contact", "remark"]


def test_a_geopackage_download_leaves_the_hidden_columns_out(client, tmp_path, layer):
    version = imported(layer, cadastral_export(tmp_path))
    layer_version_publish(version=version, public_fields=None, actor=None)
    response = client.get("/en/plans/pdp-cad/parcels/v1/download/gpkg/")
    target = tmp_path / "download.gpkg"
    target.write_bytes(b"".join(response.streaming_content))

    assert pyogrio.read_info(target)["fields"].tolist() == ["KAD_NOMER", "ZONA"]


def test_a_planner_cannot_publish(client, tmp_path, layer, staff_client):
    version = imported(layer, cadastral_export(tmp_path))
    planner_client, _planner = staff_client("planner")

    page = planner_client.get(f"/en/staff/imports/versions/{version.pk}/publish/")
    posted = planner_client.post(f"/en/staff/imports/versions/{version.pk}/publish/")
    api = planner_client.post(f"/api/imports/versions/{version.pk}/publish")

    assert (page.status_code, posted.status_code, api.status_code) == (403, 403, 403)
    version.refresh_from_db()
    assert not version.is_current and version.published_at is None
    assert not AuditEntry.objects.filter(action="layer.publish").exists()


def test_the_api_publishes_the_columns_asked(tmp_path, layer, staff_client):
    version = imported(layer, cadastral_export(tmp_path))
    client, _publisher = staff_client("administrator")

    answer = client.post(f"/api/imports/versions/{version.pk}/publish", {"public_fields": ["ZONA"]})
    again = client.post(f"/api/imports/versions/{version.pk}/publish", HTTP_ACCEPT_LANGUAGE="en")

    assert answer.status_code == 200
    assert answer.json()["public_fields"] == ["ZONA"]
    assert again.status_code == 409
    assert "already published" in again.json()["error"]


def test_the_upload_page_import_waits_for_a_publisher(tmp_path, layer, staff_client):
    client, _planner = staff_client("planner")
    path = cadastral_export(tmp_path)
    created = client.post(
        "/en/staff/imports/new/", {"file": SimpleUploadedFile(path.name, path.read_bytes())}
    )
    job_url = created.url
    client.post(
        job_url,
        {
            "start": "1",
            "plan": "pdp-cad",
            "layer_slug": "parcels",
            "layer_kind": "parcels",
            "crs": "",
        },
    )
    import_job_run(job_id=job_url.rstrip("/").rsplit("/", 1)[1])

    page = client.get(job_url).content.decode()

    assert "is imported. It is not public until a plan publisher publishes it" in page
    version = LayerVersion.objects.get()
    assert f"/en/staff/imports/versions/{version.pk}/publish/" in page
    assert not version.is_current


def test_the_command_publishes_only_when_asked(tmp_path, capsys):
    path = cadastral_export(tmp_path)
    arguments = [str(path), "--plan", "pdp-cad", "--layer", "parcels", "--commit"]

    with override("en"):
        call_command("import_layer", *arguments)
        call_command("import_layer", *arguments, "--publish")

    first, second = LayerVersion.objects.order_by("number")
    assert first.published_at is None and not first.is_current
    assert second.is_current and second.hidden_fields == ["IIN", "OWNER", "contact", "remark"]
    out = capsys.readouterr().out
    assert "Published. Columns kept from the public: IIN, OWNER, contact, remark" in out
    entry = AuditEntry.objects.get(action="layer.publish")
    assert entry.actor is None and "import_layer --publish" in entry.actor_username


def test_the_import_preview_already_warns_of_personal_columns(tmp_path, staff_client):
    client, _planner = staff_client("planner")
    path = cadastral_export(tmp_path)
    created = client.post(
        "/en/staff/imports/new/", {"file": SimpleUploadedFile(path.name, path.read_bytes())}
    )

    page = client.get(created.url).content.decode()

    assert "Column “IIN”: Values look like IINs. It will not be public unless" in page
    assert "Column “contact”: Values look like phone numbers." in page
    assert "Column “ZONA”" not in page


def test_a_tile_url_naming_an_unpublished_version_serves_the_published_one(client, tmp_path, layer):
    first = imported(layer, cadastral_export(tmp_path, "v1.geojson", zone="Ж-1"))
    layer_version_publish(version=first, public_fields=["ZONA"], actor=None)
    draft = imported(layer, cadastral_export(tmp_path, "v2.geojson", zone="Р-1"))
    x, y = tile_of(*CENTRES[1], 16)

    response = client.get(f"/tiles/{PUBLIC_ID}/16/{x}/{y}.mvt?v={draft.pk}")

    features = mapbox_vector_tile.decode(response.content)[PUBLIC_ID]["features"]
    assert {feature["properties"]["ZONA"] for feature in features} == {"Ж-1"}
    assert all(set(feature["properties"]) == {"ZONA"} for feature in features)
    assert response["ETag"].strip('W/"').startswith(f"{first.pk}-")


@pytest.mark.parametrize(("role", "shown"), [("planner", False), ("plan_publisher", True)])
def test_the_staff_home_leads_publishers_to_the_versions_awaiting(staff_client, role, shown):
    client, _user = staff_client(role)

    page = client.get("/en/staff/").content.decode()

    assert ('href="/en/staff/imports/versions/"' in page) is shown
    assert client.get("/en/staff/imports/versions/").status_code == (200 if shown else 403)


def test_the_version_page_shows_no_hidden_values_among_the_changes(client, tmp_path, layer):
    # Without a cadastral number, the import matches versions on the first unique column:
    # here the IIN. Its values must not show as examples of what changed.
    first = cadastral_export(tmp_path, "v1.geojson")
    frame = gpd.read_file(first).drop(columns=["KAD_NOMER"])
    frame.to_file(first, driver="GeoJSON")
    layer_version_publish(version=imported(layer, first), public_fields=None, actor=None)
    second = tmp_path / "v2.geojson"
    frame.iloc[1:].to_file(second, driver="GeoJSON")
    version = imported(layer, second)
    layer_version_publish(version=version, public_fields=None, actor=None)
    assert version.changes["key"] == "IIN" and version.changes["removed_examples"]

    page = client.get("/en/plans/pdp-cad/parcels/v2/").content.decode()

    assert leaked(page) == []
