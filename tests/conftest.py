import pytest
from django.utils import translation

from tests.factories import AgencyFactory, StaffRoleFactory, UserFactory


@pytest.fixture(autouse=True)
def _vietnamese_by_default():
    """Each test starts in the default language, as a new visitor would."""
    translation.activate("vi")
    yield
    translation.deactivate()


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
