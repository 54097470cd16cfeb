"""Orphan clean-up of private storage: safe to run twice, or on two machines at once.

Two kinds of orphans (both backends, onestop/uploads/storage.py):

- a stored object with no StoredFile row (an upload interrupted between the copy and the row, a
  rolled-back transaction, a failed delete): removed once older than STORAGE_ORPHAN_GRACE_HOURS, so
  that an upload in progress — object written, row not yet committed — is never touched;
- a StoredFile row that no DossierDocument uses (a document removed from a draft) and older than
  STORAGE_UNUSED_FILE_DAYS: row deleted first (locked, re-checked in the same transaction), then
  its object. 0 days keeps such rows: the citizen's data store lists them.

Run by the beat job ``storage-orphan-cleanup`` and by ``manage.py storage_cleanup [--dry-run]``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from onestop.models import DossierDocument, StoredFile

from . import conf
from .storage import UPLOADS_PREFIX, private_storage

logger = logging.getLogger(__name__)

NAME_BATCH = 1000


@dataclass
class CleanupReport:
    unused_rows: int = 0  # StoredFile rows (and their objects) deleted, or that would be (dry run)
    orphan_objects: int = 0  # objects without a row deleted, or that would be
    objects_seen: int = 0
    failed: int = 0  # objects the storage refused to delete (left for the next run)

    def as_dict(self) -> dict:
        return asdict(self)


def _unused():
    return ~Exists(DossierDocument.objects.filter(file=OuterRef("pk")))


def _delete_objects(storage: Storage, names: list[str], report: CleanupReport) -> int:
    deleted = 0
    for name in names:
        try:
            storage.delete(name)  # a missing object is not an error (run twice)
            deleted += 1
        except Exception:
            logger.exception("Could not delete stored object %s", name)
            report.failed += 1
    return deleted


def _delete_unused_rows(storage: Storage, *, cutoff: datetime, dry_run: bool, report: CleanupReport) -> None:
    candidates = StoredFile.objects.filter(_unused(), created_at__lt=cutoff).order_by("pk")
    if dry_run:
        report.unused_rows = candidates.count()
        return
    while True:
        with transaction.atomic():
            pks = list(candidates.select_for_update(skip_locked=True).values_list("pk", flat=True)[:NAME_BATCH])
            if not pks:
                return
            # Re-read under the lock: a reference added meanwhile (a file reused from the data store) wins.
            rows = list(StoredFile.objects.filter(_unused(), pk__in=pks).values_list("pk", "storage_name"))
            StoredFile.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
        report.unused_rows += len(rows)
        _delete_objects(storage, [name for _, name in rows], report)
        if len(pks) < NAME_BATCH:
            return


def _listed_objects(storage: Storage) -> Iterator[tuple[str, datetime]]:
    """(name, last modified) of every object under uploads/."""
    if conf.object_storage() is not None:
        prefix = storage._normalize_name(UPLOADS_PREFIX)
        strip = len(prefix) - len(UPLOADS_PREFIX)
        for summary in storage.bucket.objects.filter(Prefix=prefix):
            yield summary.key[strip:], summary.last_modified
        return
    folders = [UPLOADS_PREFIX.rstrip("/")]
    while folders:
        folder = folders.pop()
        try:
            subfolders, files = storage.listdir(folder)
        except FileNotFoundError:
            continue
        folders.extend(f"{folder}/{sub}" for sub in subfolders)
        for file_name in files:
            name = f"{folder}/{file_name}"
            yield name, storage.get_modified_time(name)


def _delete_orphan_objects(storage: Storage, *, cutoff: datetime, dry_run: bool, report: CleanupReport) -> None:
    def flush(batch: list[tuple[str, datetime]]) -> None:
        known = set(
            StoredFile.objects.filter(storage_name__in=[name for name, _ in batch]).values_list(
                "storage_name", flat=True
            )
        )
        orphans = [name for name, modified in batch if name not in known and modified < cutoff]
        if dry_run:
            report.orphan_objects += len(orphans)
        else:
            report.orphan_objects += _delete_objects(storage, orphans, report)

    batch: list[tuple[str, datetime]] = []
    for name, modified in _listed_objects(storage):
        report.objects_seen += 1
        batch.append((name, modified))
        if len(batch) >= NAME_BATCH:
            flush(batch)
            batch = []
    if batch:
        flush(batch)


def storage_cleanup(*, now: datetime | None = None, dry_run: bool = False) -> CleanupReport:
    """Delete the orphans described above; return what was (or, dry run, would be) deleted."""
    now = now or timezone.now()
    storage = private_storage()
    report = CleanupReport()
    days = conf.unused_file_days()
    if days > 0:
        _delete_unused_rows(storage, cutoff=now - timedelta(days=days), dry_run=dry_run, report=report)
    _delete_orphan_objects(
        storage, cutoff=now - timedelta(hours=conf.orphan_grace_hours()), dry_run=dry_run, report=report
    )
    logger.info("Storage clean-up%s: %s", " (dry run)" if dry_run else "", report.as_dict())
    return report
