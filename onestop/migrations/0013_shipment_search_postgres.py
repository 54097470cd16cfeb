"""PostgreSQL only: trigram indexes for the postal clerk's search by recipient name and phone.

The name is matched without accents or case ("tran thi binh" finds "Trần Thị Bình"): the index is
on the expression `lower(dvc_unaccent(recipient_name))`, with the immutable unaccent wrapper of
procedures/migrations/0003_search_postgres.py (which also creates unaccent and pg_trgm), and the
selector filters on that same expression (onestop/postal/selectors.py). A phone number, or a part
of one, is matched with LIKE '%…%' on its own trigram index. SQLite scans (small databases).
"""

from django.db import migrations

FORWARD = [
    """CREATE INDEX IF NOT EXISTS shipment_name_trgm ON onestop_shipment
       USING gin ((lower(dvc_unaccent(recipient_name))) gin_trgm_ops)""",
    "CREATE INDEX IF NOT EXISTS shipment_phone_trgm ON onestop_shipment USING gin (recipient_phone gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS shipment_name_trgm",
    "DROP INDEX IF EXISTS shipment_phone_trgm",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("onestop", "0012_shipment_counts"), ("procedures", "0003_search_postgres")]
    operations = [migrations.RunPython(forward, backward)]
