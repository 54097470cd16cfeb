import pytest
from django.utils import translation

from tests.factories import AgencyFactory, StaffRoleFactory, UserFactory
from tests.s3server import s3_bucket, s3_endpoint  # noqa: F401 — fixtures: a local S3 server and a bucket


@pytest.fixture(autouse=True)
def _vietnamese_by_default():
    """Each test starts in the default language, as a new visitor would."""
    translation.activate("vi")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the per-process one of the test settings), as a new
    deployment does: nothing a previous test kept (a leader's counts, a rate limit) leaks into it."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def citizen(db):
    return UserFactory(full_name="Nguyễn Văn An")


@pytest.fixture
def other_citizen(db):
    return UserFactory(full_name="Trần Thị Bình")


@pytest.fixture
def agency(db):
    return AgencyFactory(name="Sở Tư pháp")


@pytest.fixture
def receptionist(agency):
    return StaffRoleFactory(agency=agency, user__full_name="Lê Thị Cúc").user


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """PBKDF2's deliberate slowness is for production; tests create many users."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
