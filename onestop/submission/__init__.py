"""Citizen submission: drafts, completeness, snapshot, dossier codes, submit, withdraw, supplement."""
