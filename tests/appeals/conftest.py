import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Photos the tests upload go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def appeals_operator(db):
    """A client of its own signed in as an appeals operator of the departments named by
    their codes (of every department when none is named)."""
    from django.test import Client

    from appeals.models import Department
    from tests.factories import StaffUserFactory

    def sign_in(*departments: str):
        user = StaffUserFactory(role="appeals_operator")
        client = Client()
        client.force_login(user)
        chosen = Department.objects.all()
        if departments:
            chosen = chosen.filter(slug__in=departments)
            assert chosen.count() == len(departments), departments
        user.appeal_departments.add(*chosen)
        return client, user

    return sign_in
