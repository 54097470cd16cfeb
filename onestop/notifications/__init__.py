"""Notifications (DESIGN §4.6): e-mail, SMS and in-app messages about dossiers, logged per row.

- services.dossier_event_notify(event_id=…)   a DossierEvent → messages (called by the Celery task
                                               that dossier_transition queues on commit)
- services.notify_user(user=…, kind=…, context=…, channels=…, dedup_key=…)
                                               one user, any kind (digests)
- services.notify_users(messages=[Outgoing(…), …])   the same for many messages in a constant
                                               number of queries (the deadline fan-out)
- services.dossier_context(dossier=…, event=…, for_staff=…)   the context dossier templates use
- delivery.notification_deliver(notification_id=…)   one attempt, logged (the delivery task)
- delivery.notifications_retry(ids=…) / notifications_requeue_stale()
- selectors.preference_for / inbox_for / unread_count
- sms: ConsoleSMSBackend, FileSMSBackend, HttpSMSBackend (SMS_BACKEND)
Templates: templates/notifications/<language>/<kind>.txt (see the README there).
"""
