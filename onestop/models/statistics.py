"""The daily roll-up behind the statistics (onestop.statistics): counters per day × receiving agency ×
procedure × channel, recomputed by a Celery beat task for the last days and by
`manage.py statistics_rebuild` for any range. Pages read whole days from here (a few thousand rows a
month for a province) instead of the dossiers; the counting rules live in onestop.statistics.selectors.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

# The counters of what happened on a day (flows), in the order of the tables.
FLOW_FIELDS = (
    "received",
    "digitised",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "late_by_supplement",
    "results_digitised",
    "withdrawn",
    "refused",
    "stopped",
    "supplement_requests",
    "extensions",
)


class FlowCounters(models.Model):
    """The flow counters (FLOW_FIELDS) of one receiving agency, procedure and channel over a period:
    a day (StatisticsDay) or a month (StatisticsMonth)."""

    agency = models.ForeignKey(
        "procedures.Agency", verbose_name=_("receiving agency"), on_delete=models.CASCADE, related_name="+"
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    channel = models.PositiveSmallIntegerField(_("channel"))
    received = models.PositiveIntegerField(default=0)
    digitised = models.PositiveIntegerField(default=0)
    resolved_early = models.PositiveIntegerField(default=0)
    resolved_on_time = models.PositiveIntegerField(default=0)
    resolved_late = models.PositiveIntegerField(default=0)
    late_by_supplement = models.PositiveIntegerField(default=0)
    results_digitised = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    stopped = models.PositiveIntegerField(default=0)
    supplement_requests = models.PositiveIntegerField(default=0)
    extensions = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class StatisticsDay(FlowCounters):
    """What happened on one day (Vietnam date) to the dossiers of one agency, procedure and channel."""

    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("statistics day")
        verbose_name_plural = _("statistics days")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agency", "procedure", "channel"], name="statisticsday_unique_day_agency_procedure"
            )
        ]
        indexes = [models.Index(fields=["agency", "day"], name="statisticsday_agency_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id} {self.procedure_id} {self.channel}"


class StatisticsMonth(FlowCounters):
    """The same counters summed per month (first day of the month): a year's page reads twelve rows
    per agency, procedure and channel instead of up to 365. Written by the roll-up from its days."""

    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("statistics month")
        verbose_name_plural = _("statistics months")
        constraints = [
            models.UniqueConstraint(fields=["month", "agency", "procedure", "channel"], name="statisticsmonth_unique")
        ]
        indexes = [models.Index(fields=["agency", "month"], name="statisticsmonth_agency_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_id} {self.procedure_id} {self.channel}"


class StatisticsOpenDay(models.Model):
    """The dossiers still being processed at the end of a day (stock), and how many of them were
    overdue then, per receiving agency, unit holding them, procedure and channel."""

    day = models.DateField(_("day"))
    agency = models.ForeignKey(
        "procedures.Agency", verbose_name=_("receiving agency"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "procedures.Agency", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    procedure = models.ForeignKey(
        "procedures.Procedure", verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    channel = models.PositiveSmallIntegerField(_("channel"))
    open = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("statistics stock")
        verbose_name_plural = _("statistics stock")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agency", "unit", "procedure", "channel"], name="statisticsopenday_unique"
            )
        ]
        indexes = [models.Index(fields=["agency", "day"], name="statisticsopenday_agency_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id} {self.unit_id}: {self.open}"


class StatisticsStamp(models.Model):
    """One row: the version of the roll-up, a new random token written in the same transaction as
    every roll-up run (onestop.statistics.rollup). The statistics cache what they read from the
    roll-up keyed by it (onestop.statistics.figures), so that a rebuild or the beat's run is seen at
    once: a figure cached before a run is never served after it. Random rather than a counter, so
    that a database restored from a backup does not meet the cache entries of a later version."""

    version = models.UUIDField(default=uuid.uuid4)
    rolled_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("statistics roll-up stamp")
        verbose_name_plural = _("statistics roll-up stamp")

    def __str__(self) -> str:
        return str(self.version)
