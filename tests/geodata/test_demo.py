import pytest
from django.core.management import call_command

from geodata.models import District, Feature, LayerVersion, Plan

pytestmark = pytest.mark.django_db


def test_the_demo_loads_plans_through_the_import_core_and_only_once(capsys):
    call_command("load_demo")
    assert "2 new district(s), 2 new plan layer(s)" in capsys.readouterr().out
    call_command("load_demo")
    assert "0 new district(s), 0 new plan layer(s)" in capsys.readouterr().out
    assert District.objects.count() == 2
    assert LayerVersion.objects.count() == 2

    master = Plan.objects.get(slug="taraz-master-plan-2040")
    assert master.status == Plan.Status.APPROVED and master.approval_number == "44"
    zoning = LayerVersion.objects.get(layer__plan=master, layer__slug="zoning", is_current=True)
    # Written by the demo "office" in kz1048 without a .cpg: detected, Kazakh intact.
    assert zoning.source_encoding == "kz1048"
    assert zoning.source_crs == "EPSG:28412"
    assert Feature.objects.filter(
        version=zoning, attributes__ZONE_KK="Жеке тұрғын үй аймағы"
    ).exists()

    parcels = LayerVersion.objects.get(layer__plan__slug="saulet-pdp", is_current=True)
    assert parcels.source_encoding == "cp1251"
    assert parcels.feature_count == 400
    assert parcels.report["geometry"]["repaired"] == 10
    assert Plan.objects.get(slug="saulet-pdp").is_draft
