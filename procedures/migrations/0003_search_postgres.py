"""PostgreSQL only: unaccent + pg_trgm, an immutable wrapper, a generated search column and its
GIN trigram index.

unaccent() is only STABLE (its dictionary could change), so it cannot appear in an index or a
generated column; the wrapper names the dictionary explicitly and is declared IMMUTABLE — the
documented way to use it there. The stored column `search_doc` is computed by PostgreSQL itself
from name, code and local code, so rows never evaluate unaccent at query time, even when the
planner prefers a sequential scan for a very common term. SQLite uses the search_text column
that the service layer keeps instead. Creating extensions needs a role allowed to
(docs/deployment.md).
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE OR REPLACE FUNCTION dvc_unaccent(text) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
       AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$""",
    """ALTER TABLE procedures_procedure ADD COLUMN search_doc text
       GENERATED ALWAYS AS (lower(dvc_unaccent("name" || ' ' || "code" || ' ' || "local_code"))) STORED""",
    "CREATE INDEX procedure_search_trgm ON procedures_procedure USING gin (search_doc gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS procedure_search_trgm",
    "ALTER TABLE procedures_procedure DROP COLUMN IF EXISTS search_doc",
    "DROP FUNCTION IF EXISTS dvc_unaccent(text)",
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
    dependencies = [("procedures", "0002_catalogue")]
    operations = [migrations.RunPython(forward, backward)]
