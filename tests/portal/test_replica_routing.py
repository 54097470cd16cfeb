"""The optional read replica: only the catalogue's tables, only in the decorated views, never in a transaction."""

import pytest
from django.db import transaction

from onestop.models import Dossier
from portal.dbrouting import ReplicaRouter, read_from_replica
from portal.models import User
from procedures.models import Procedure

router = ReplicaRouter()


@pytest.fixture
def replica(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": dict(settings.DATABASES["default"])}


def test_without_a_replica_everything_reads_default(settings):
    assert "replica" not in settings.DATABASES
    assert read_from_replica(lambda: router.db_for_read(Procedure))() is None


def test_catalogue_reads_in_decorated_views_go_to_the_replica(replica):
    @read_from_replica
    def view():
        return router.db_for_read(Procedure), router.db_for_read(User), router.db_for_read(Dossier)

    assert view() == ("replica", None, None)  # sessions, users and dossiers stay on the primary
    assert router.db_for_read(Procedure) is None  # outside the decorated views
    assert router.db_for_write(Procedure) == "default"
    assert not router.allow_migrate("replica", "procedures")


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_stay_on_the_primary(replica):
    @read_from_replica
    def view():
        with transaction.atomic():
            return router.db_for_read(Procedure)

    assert view() is None


@pytest.mark.django_db
def test_the_public_catalogue_pages_run_on_the_replica(client, replica, monkeypatch):
    """The catalogue app does not import the router: the middleware picks the views by URL name."""
    import portal.dbrouting as dbrouting

    seen = []

    def spy(view):
        def wrapper(*args, **kwargs):
            seen.append(view.__name__)
            return view(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(dbrouting, "read_from_replica", spy)
    client.get("/thu-tuc/")
    client.get("/tai-khoan/")
    assert seen == ["procedure_list"]
