"""Deadlines (DESIGN §4.3, §4.6): the periodic sweep that finds what became due soon or overdue.

- ``rules``: which deadline crosses when (data);
- ``thresholds``: "due soon" in working time, per working calendar;
- ``sql``: the set-based INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING (the only raw SQL);
- ``recipients``: who hears of a crossing, looked up per batch;
- ``selectors``: the per-agency counts of the leaders' daily digest;
- ``services``: ``deadline_sweep``, ``deadline_crossings_notify``, ``deadline_digest_send``.

Celery tasks in ``onestop.deadlines.tasks``; beat entries in the settings block "# --- Deadlines".
"""
