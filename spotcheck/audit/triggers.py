"""Database triggers that refuse UPDATE, DELETE (and TRUNCATE) on the audit tables: the entries
and the published anchors of their chain.

The models refuse them too; the triggers also stop raw SQL and other programs. Someone with
DDL rights can still drop them, which is what the hash chain (and its anchors outside the
database) is there to reveal. Installed by migrations ``audit.0002`` (entries) and ``audit.0003``
(anchors); tests that must empty the database (live-server tests) lift them for the flush and
put them back. The statements of a table are only ever added to, never changed.
"""

from collections.abc import Iterable

ENTRIES = "audit_auditentry"
ANCHORS = "audit_auditanchor"
TABLES = (ENTRIES, ANCHORS)

_INSTALL = {
    ENTRIES: {
        "sqlite": [
            """CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_auditentry
               BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;""",
            """CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_auditentry
               BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;""",
        ],
        "postgresql": [
            """CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
               BEGIN RAISE EXCEPTION 'audit entries are append-only'; END; $$ LANGUAGE plpgsql;""",
            "DROP TRIGGER IF EXISTS audit_entry_no_change ON audit_auditentry;",
            """CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_auditentry
               FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();""",
            "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;",
            """CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_auditentry
               FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();""",
        ],
    },
    ANCHORS: {
        "sqlite": [
            """CREATE TRIGGER IF NOT EXISTS audit_anchor_no_update BEFORE UPDATE ON audit_auditanchor
               BEGIN SELECT RAISE(ABORT, 'audit anchors are append-only'); END;""",
            """CREATE TRIGGER IF NOT EXISTS audit_anchor_no_delete BEFORE DELETE ON audit_auditanchor
               BEGIN SELECT RAISE(ABORT, 'audit anchors are append-only'); END;""",
        ],
        "postgresql": [
            """CREATE OR REPLACE FUNCTION audit_anchor_append_only() RETURNS trigger AS $$
               BEGIN RAISE EXCEPTION 'audit anchors are append-only'; END; $$ LANGUAGE plpgsql;""",
            "DROP TRIGGER IF EXISTS audit_anchor_no_change ON audit_auditanchor;",
            """CREATE TRIGGER audit_anchor_no_change BEFORE UPDATE OR DELETE ON audit_auditanchor
               FOR EACH ROW EXECUTE FUNCTION audit_anchor_append_only();""",
            "DROP TRIGGER IF EXISTS audit_anchor_no_truncate ON audit_auditanchor;",
            """CREATE TRIGGER audit_anchor_no_truncate BEFORE TRUNCATE ON audit_auditanchor
               FOR EACH STATEMENT EXECUTE FUNCTION audit_anchor_append_only();""",
        ],
    },
}
_REMOVE = {
    ENTRIES: {
        "sqlite": [
            "DROP TRIGGER IF EXISTS audit_entry_no_update;",
            "DROP TRIGGER IF EXISTS audit_entry_no_delete;",
        ],
        "postgresql": [
            "DROP TRIGGER IF EXISTS audit_entry_no_change ON audit_auditentry;",
            "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;",
        ],
    },
    ANCHORS: {
        "sqlite": [
            "DROP TRIGGER IF EXISTS audit_anchor_no_update;",
            "DROP TRIGGER IF EXISTS audit_anchor_no_delete;",
        ],
        "postgresql": [
            "DROP TRIGGER IF EXISTS audit_anchor_no_change ON audit_auditanchor;",
            "DROP TRIGGER IF EXISTS audit_anchor_no_truncate ON audit_auditanchor;",
        ],
    },
}


def install(connection, tables: Iterable[str]) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            for sql in _INSTALL[table].get(connection.vendor, []):
                cursor.execute(sql)


def remove(connection, tables: Iterable[str]) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            for sql in _REMOVE[table].get(connection.vendor, []):
                cursor.execute(sql)
