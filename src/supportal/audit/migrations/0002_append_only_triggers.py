"""Refuse UPDATE and DELETE on the audit record at the database itself, on SQLite and PostgreSQL."""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE TRIGGER audit_record_no_update BEFORE UPDATE ON audit_auditrecord
       BEGIN SELECT RAISE(ABORT, 'audit record is append-only'); END;""",
    """CREATE TRIGGER audit_record_no_delete BEFORE DELETE ON audit_auditrecord
       BEGIN SELECT RAISE(ABORT, 'audit record is append-only'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_record_no_update;",
    "DROP TRIGGER IF EXISTS audit_record_no_delete;",
]
POSTGRES_FORWARD = [
    """CREATE OR REPLACE FUNCTION audit_record_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit record is append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_record_no_change BEFORE UPDATE OR DELETE ON audit_auditrecord
       FOR EACH ROW EXECUTE FUNCTION audit_record_refuse_change();""",
    """CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON audit_auditrecord
       FOR EACH STATEMENT EXECUTE FUNCTION audit_record_refuse_change();""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS audit_record_no_truncate ON audit_auditrecord;",
    "DROP TRIGGER IF EXISTS audit_record_no_change ON audit_auditrecord;",
    "DROP FUNCTION IF EXISTS audit_record_refuse_change();",
]


def forward(apps, schema_editor):
    install_triggers(schema_editor.connection)


def backward(apps, schema_editor):
    remove_triggers(schema_editor.connection)


def install_triggers(connection):
    statements = POSTGRES_FORWARD if connection.vendor == "postgresql" else SQLITE_FORWARD
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def remove_triggers(connection):
    statements = POSTGRES_BACKWARD if connection.vendor == "postgresql" else SQLITE_BACKWARD
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_record")]
    operations = [migrations.RunPython(forward, backward)]
