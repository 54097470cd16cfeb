"""Reporting dossiers to the national public-service portal (DVCQG): an outbox and its delivery.

* `records` builds the national records (DongBoHoSoMC, CapNhatTienDoHoSoMC) from a dossier event;
* `services.national_record_event` writes one outbox row in the event's transaction (the receiver of
  the workflow's `event_recorded` hook, connected in onestop.signals);
* `delivery` sends the rows of each dossier in order through a transport (`transports`: HTTP to
  NATIONAL_SYNC_URL, or a local JSON-lines file when no URL is set, so the demo works offline),
  with retries, exponential backoff and a dead-letter state an admin can replay;
* `selectors.national_sync_backlog` gives the figures for /readyz and the admin.
"""
