"""The store's schema, as numbered migrations. `schema_version` holds the number applied; a
store written by a newer version of the tool is refused rather than misread."""

from __future__ import annotations

import sqlite3

from ..exceptions import ExtractorError

# Append only: never edit a migration that has shipped, add the next one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,          -- identity: re-imports find the report by it
        path TEXT NOT NULL,
        source_abs TEXT,                      -- the source file, resolved at import
        original TEXT NOT NULL,               -- ReportResult JSON as imported
        current TEXT NOT NULL,                -- original + corrections, rules re-run
        fields TEXT NOT NULL,                 -- current fields, for the queue
        agency TEXT,
        year INTEGER,
        version INTEGER NOT NULL,             -- bumped by every decision (optimistic locking)
        imported_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        report_id INTEGER NOT NULL REFERENCES reports(id),
        flag_id INTEGER NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('accept', 'correct', 'source_error')),
        field TEXT,
        old_value TEXT NOT NULL,              -- JSON
        new_value TEXT NOT NULL,              -- JSON
        note TEXT NOT NULL,
        reviewer TEXT NOT NULL,
        at TEXT NOT NULL,                     -- UTC, ISO 8601
        base_version INTEGER NOT NULL,        -- the report version the form was drawn from
        flag TEXT NOT NULL                    -- the flag as the reviewer saw it (JSON)
    );
    CREATE TRIGGER decisions_append_only_u BEFORE UPDATE ON decisions
        BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
    CREATE TRIGGER decisions_append_only_d BEFORE DELETE ON decisions
        BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
    CREATE TABLE flags (
        id INTEGER PRIMARY KEY,
        report_id INTEGER NOT NULL REFERENCES reports(id),
        key TEXT NOT NULL,                    -- rule + fields: the flag's identity across re-runs
        position INTEGER NOT NULL,
        rule TEXT NOT NULL,
        severity TEXT NOT NULL,
        kind TEXT NOT NULL,
        data TEXT NOT NULL,                   -- the Flag JSON
        status TEXT NOT NULL CHECK (status IN ('open', 'decided', 'cleared')),
        decision_id INTEGER REFERENCES decisions(id),
        cleared_by INTEGER REFERENCES decisions(id),
        UNIQUE (report_id, key)
    );
    CREATE INDEX flags_queue ON flags (status, severity, report_id, position);
    CREATE INDEX decisions_report ON decisions (report_id, base_version);
    """,
)

LATEST = len(MIGRATIONS)


def version(db: sqlite3.Connection) -> int:
    db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = db.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(db: sqlite3.Connection) -> int:
    """Bring the store up to LATEST, each migration in its own transaction."""
    db.execute("BEGIN IMMEDIATE")
    try:
        current = version(db)
        if current > LATEST:
            raise ExtractorError(
                f"this review store has schema version {current}, newer than this tool "
                f"understands ({LATEST}); upgrade gov-report-extractor")
        for n in range(current + 1, LATEST + 1):
            for stmt in _statements(MIGRATIONS[n - 1]):
                db.execute(stmt)
            db.execute("INSERT INTO schema_version (version) VALUES (?)", (n,))
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return LATEST


def _statements(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit our transaction);
    sqlite3.complete_statement keeps trigger bodies whole."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
