import datetime as dt
import random

from django.core.management.base import BaseCommand
from django.db import transaction

from onestop.statistics.periods import local_today
from onestop.statistics.rollup import statistics_rollup
from portal.demo.accounts import DEMO_PASSWORD, seed_accounts
from portal.demo.agencies import seed_agencies
from portal.demo.backoffice import seed_backoffice_dossiers
from portal.demo.catalogue import seed_catalogue
from portal.demo.clock import working_clock
from portal.demo.dossiers import seed_citizen_dossiers
from portal.demo.esign import seed_signing_certificates
from portal.demo.oversight import seed_leader_oversight
from portal.demo.postal import seed_postage_rules, seed_postal_shipments
from portal.demo.satisfaction import seed_satisfaction


class Command(BaseCommand):
    help = "Load the demo province: agencies, demo accounts, the procedure catalogue (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--without-dossiers", action="store_true", help="only agencies, accounts and the catalogue (for tests)"
        )

    @transaction.atomic
    def handle(self, *args, without_dossiers: bool = False, **options) -> None:
        agencies = seed_agencies()
        seed_postage_rules(agencies)
        catalogue = seed_catalogue()
        users = seed_accounts(agencies)  # after the catalogue: staff hold the roles its processes need
        seed_signing_certificates()  # before the dossiers: the demo's results are signed
        dossiers = 0
        if not without_dossiers:
            # Dossiers happen at working moments, their deadlines computed by the calendar (portal.demo.clock);
            # the back office's ones each start some days back on a clock of their own.
            with working_clock(random.Random(15)):  # noqa: S311 — demo data, not security
                dossiers = seed_citizen_dossiers() + seed_backoffice_dossiers() + seed_postal_shipments()
                dossiers += seed_satisfaction() + seed_leader_oversight()
        # The statistics' daily roll-up of the demo's last two months (idempotent; the beat keeps it after).
        today = local_today()
        statistics_rollup(first=today - dt.timedelta(days=62), end=today)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(agencies)} agencies, {len(users)} accounts (password {DEMO_PASSWORD}), "
                f"{len(catalogue.lines)} procedures, {dossiers} new dossiers."
            )
        )
