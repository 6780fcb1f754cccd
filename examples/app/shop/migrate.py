"""Database migrations, run once per release by the migration Job: `python -m shop.migrate`.

Idempotent: every migration is applied at most once (recorded in schema_migrations) and is itself
written to be harmless when repeated, so a retried Job or a second run changes nothing. An advisory
lock makes two concurrent runs wait for each other instead of racing.
"""
import logging
import sys
import time

import psycopg2

from . import configure_logging, db

LOCK_ID = 742_316_001  # any constant shared by every run of this app's migrations
CONNECT_DEADLINE_SECONDS = 60

MIGRATIONS = [
    (
        "0001_guestbook",
        """
        CREATE TABLE IF NOT EXISTS guestbook_entries (
            id         bigserial PRIMARY KEY,
            name       text NOT NULL,
            message    text NOT NULL CHECK (length(message) BETWEEN 1 AND 500),
            created_at timestamptz NOT NULL DEFAULT now()
        )
        """,
    ),
    (
        "0002_guestbook_created_at_index",
        "CREATE INDEX IF NOT EXISTS guestbook_entries_created_at ON guestbook_entries (created_at)",
    ),
    (
        "0003_jobs",
        """
        CREATE TABLE IF NOT EXISTS jobs (
            id         bigserial PRIMARY KEY,
            word       text NOT NULL CHECK (length(word) BETWEEN 1 AND 100),
            status     text NOT NULL DEFAULT 'queued',
            letters    integer,
            created_at timestamptz NOT NULL DEFAULT now(),
            done_at    timestamptz
        )
        """,
    ),
]

log = logging.getLogger("shop.migrate")


def connect_with_retry():
    """The database may still be starting when the Job starts: retry for a while, then fail."""
    deadline = time.monotonic() + CONNECT_DEADLINE_SECONDS
    while True:
        try:
            return db.connect()
        except psycopg2.OperationalError as err:
            if time.monotonic() > deadline:
                raise
            log.warning("database not reachable yet (%s), retrying", str(err).strip())
            time.sleep(2)


def migrate() -> list:
    applied = []
    conn = connect_with_retry()
    try:
        with conn, conn.cursor() as cur:  # one transaction: all of it or none of it
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_ID,))
            cur.execute(
                """CREATE TABLE IF NOT EXISTS schema_migrations (
                       version    text PRIMARY KEY,
                       applied_at timestamptz NOT NULL DEFAULT now()
                   )"""
            )
            cur.execute("SELECT version FROM schema_migrations")
            done = {row[0] for row in cur.fetchall()}
            for version, sql in MIGRATIONS:
                if version in done:
                    continue
                log.info("applying %s", version)
                cur.execute(sql)
                cur.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (version,))
                applied.append(version)
    finally:
        conn.close()
    return applied


def main() -> int:
    configure_logging()
    try:
        applied = migrate()
    except psycopg2.Error as err:
        log.error("migration failed: %s", str(err).strip())
        return 1
    log.info("applied %s", ", ".join(applied) if applied else "nothing: the database is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
