"""Demo data for `python manage.py seed_demo` (idempotent: run it as often as you like).

Later issues add their parts here (catalogue, dossiers …) and call them from seed_demo.
"""
