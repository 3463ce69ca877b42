import datetime

import pytest
from django.utils import timezone

from queues.models import Application
from queues.services.applications import application_register
from tests.factories import QueueFactory

pytestmark = pytest.mark.django_db

IINS = ["791028302728", "061211600012", "900101300007"]


def test_the_position_api_answers_place_and_ahead_without_personal_data(
    client, django_assert_max_num_queries
):
    queue = QueueFactory()
    now = timezone.now()
    registered = [
        application_register(
            queue=queue,
            full_name=f"Тестов Заявитель {index}",
            iin=iin,
            email=f"person{index}@example.kz",
            filed_at=now - datetime.timedelta(days=30 - index),
        )
        for index, iin in enumerate(IINS[:2])
    ]
    with django_assert_max_num_queries(1):
        response = client.get(f"/api/queues/applications/{registered[1].number}")
    assert response.status_code == 200
    answer = response.json()
    assert answer["number"] == registered[1].number
    assert answer["position"] == 2
    assert answer["ahead"] == 1
    assert answer["status"] == "waiting"
    body = response.content.decode()
    for application in registered:
        assert application.full_name.split()[0] not in body
        assert application.email not in body
    assert IINS[0] not in body and IINS[1] not in body


def test_an_application_no_longer_waiting_has_no_position(client):
    queue = QueueFactory()
    application = application_register(queue=queue, full_name="Тестов Заявитель", iin=IINS[0])
    Application.objects.filter(pk=application.pk).update(status="offered")
    answer = client.get(f"/api/queues/applications/{application.number}").json()
    assert answer["status"] == "offered"
    assert answer["position"] is None


def test_an_unknown_number_is_a_clear_404(client):
    response = client.get("/api/queues/applications/NO-SUCH-1", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "No application numbered “NO-SUCH-1”" in response.json()["error"]
