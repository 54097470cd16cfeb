"""Partners' systems (issue #13): token clients with scopes, the partner API, signed webhooks.

    auth.py       bearer tokens (one ApiClient model for every partner: the post, LGSP, other
                  agencies), scopes, per-client throttle, one call-log row per call
    services.py   clients: create (the token shown once), new token, revoke; the call log's purge
    api.py        /api/v1/dossiers/ — the client's agencies' dossiers, notes, documents,
                  inter-agency results (through onestop.workflow's actions)
    webhooks/     subscriptions' outbox rows (written in the event's transaction), signed delivery
                  with retries, the receiver's verification function

Who sees what is decided in onestop.access (client_agency_ids, client_sees); docs/integration.md.
"""
