import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads of a test go to a folder of its own, removed afterwards."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
