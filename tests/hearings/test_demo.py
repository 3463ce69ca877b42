"""The demo: the Сәулет ПДП gets an open hearing with comments, some answered, only once."""

import pytest
from django.core.management import call_command

from hearings.models import Answer, Comment, Hearing

pytestmark = pytest.mark.django_db


def test_the_demo_opens_a_hearing_on_saulet_once(client, capsys):
    call_command("load_demo")
    assert "30 new hearing comment(s)" in capsys.readouterr().out
    call_command("load_demo")
    assert "0 new hearing comment(s)" in capsys.readouterr().out
    hearing = Hearing.objects.get(slug="saulet-pdp")
    assert hearing.status == Hearing.Status.OPEN
    assert Comment.objects.filter(hearing=hearing).count() == 30
    assert Answer.objects.filter(comment__hearing=hearing).count() == 10
    page = client.get("/ru/hearings/saulet-pdp/").content.decode()
    assert "Resident of Сәулет #30" in page or "Сәулет #30" in page
    plan = client.get("/en/plans/saulet-pdp/").content.decode()
    assert "/en/hearings/saulet-pdp/" in plan
