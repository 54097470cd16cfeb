"""Signed webhooks for partners' systems (docs/integration.md).

signing.py    the signature header and its verification (the receiver's side, used by the tests)
targets.py    which URLs a subscription may point at (SSRF: https, no private addresses)
services.py   subscriptions' secrets; outbox rows written in the dossier event's transaction;
              replay
delivery.py   leased, signed POSTs with exponential backoff and a dead state (onestop.outbox)
tasks.py      Celery: one delivery after commit, and the periodic drain
"""
