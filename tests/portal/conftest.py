"""Fixtures shared with the back-office tests."""

from tests.onestop.conftest import office  # noqa: F401 — the procedure, its staff and a citizen
