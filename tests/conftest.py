import pytest

from tests.factories import StaffUserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff_client(client, db):
    """A test client signed in as a new staff member of the given role."""

    def sign_in(role: str | None):
        user = StaffUserFactory(role=role)
        client.force_login(user)
        return client, user

    return sign_in
