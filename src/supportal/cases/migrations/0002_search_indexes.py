"""Full-text search: an FTS5 index kept in step by triggers on SQLite; GIN indexes on PostgreSQL."""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE cases_search_fts USING fts5(
         public_text, internal_text, content='cases_casesearchtext', content_rowid='case_id',
         tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER cases_search_ai AFTER INSERT ON cases_casesearchtext BEGIN
         INSERT INTO cases_search_fts(rowid, public_text, internal_text)
         VALUES (new.case_id, new.public_text, new.internal_text); END""",
    """CREATE TRIGGER cases_search_ad AFTER DELETE ON cases_casesearchtext BEGIN
         INSERT INTO cases_search_fts(cases_search_fts, rowid, public_text, internal_text)
         VALUES ('delete', old.case_id, old.public_text, old.internal_text); END""",
    """CREATE TRIGGER cases_search_au AFTER UPDATE ON cases_casesearchtext BEGIN
         INSERT INTO cases_search_fts(cases_search_fts, rowid, public_text, internal_text)
         VALUES ('delete', old.case_id, old.public_text, old.internal_text);
         INSERT INTO cases_search_fts(rowid, public_text, internal_text)
         VALUES (new.case_id, new.public_text, new.internal_text); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS cases_search_au",
    "DROP TRIGGER IF EXISTS cases_search_ad",
    "DROP TRIGGER IF EXISTS cases_search_ai",
    "DROP TABLE IF EXISTS cases_search_fts",
]
POSTGRES_FORWARD = [
    "CREATE INDEX cases_search_public_gin ON cases_casesearchtext USING gin (to_tsvector('simple', public_text))",
    """CREATE INDEX cases_search_all_gin ON cases_casesearchtext
       USING gin (to_tsvector('simple', public_text || ' ' || internal_text))""",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS cases_search_all_gin",
    "DROP INDEX IF EXISTS cases_search_public_gin",
]


def forward(apps, schema_editor):
    _run(
        schema_editor, POSTGRES_FORWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_FORWARD
    )


def backward(apps, schema_editor):
    _run(
        schema_editor,
        POSTGRES_BACKWARD if schema_editor.connection.vendor == "postgresql" else SQLITE_BACKWARD,
    )


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_cases")]
    operations = [migrations.RunPython(forward, backward)]
