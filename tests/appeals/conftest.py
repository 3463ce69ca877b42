import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Photos the tests upload go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
