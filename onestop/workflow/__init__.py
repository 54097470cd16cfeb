"""The dossier life cycle: one transition table and one transition service (DESIGN §4.1)."""
