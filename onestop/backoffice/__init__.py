"""The back office: reception, processing actions, queues, the seven forms (DESIGN §4.1)."""
