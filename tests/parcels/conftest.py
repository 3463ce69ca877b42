import pytest

from parcels.demo import demo_purposes_ensure


@pytest.fixture(autouse=True)
def land_purposes(request):
    """The purposes migration 0002 adds: a transactional test's flush removes them."""
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        demo_purposes_ensure()
