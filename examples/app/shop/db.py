"""Database access with psycopg2: one connection per request, closed when the request ends."""
import os

import psycopg2
from flask import g


def connect():
    """DATABASE_URL when set, else libpq's own PGHOST/PGPORT/PGDATABASE/PGUSER/PGPASSWORD."""
    return psycopg2.connect(os.environ.get("DATABASE_URL", ""), connect_timeout=5,
                            application_name="flask-shop")


def get():
    if "db" not in g:
        g.db = connect()
    return g.db


def close(_exc=None) -> None:
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


def latest_entries(limit: int):
    conn = get()
    with conn, conn.cursor() as cur:
        cur.execute(
            "SELECT id, name, message, created_at FROM guestbook_entries ORDER BY id DESC LIMIT %s",
            (limit,),
        )
        return [dict(id=r[0], name=r[1], message=r[2], created_at=r[3]) for r in cur.fetchall()]


def add_entry(name: str, message: str) -> int:
    conn = get()
    with conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO guestbook_entries (name, message) VALUES (%s, %s) RETURNING id",
            (name, message),
        )
        return cur.fetchone()[0]


def add_job(word: str) -> int:
    conn = get()
    with conn, conn.cursor() as cur:
        cur.execute("INSERT INTO jobs (word) VALUES (%s) RETURNING id", (word,))
        return cur.fetchone()[0]


def get_job(job_id: int):
    conn = get()
    with conn, conn.cursor() as cur:
        cur.execute("SELECT id, word, status, letters FROM jobs WHERE id = %s", (job_id,))
        row = cur.fetchone()
        return None if row is None else dict(id=row[0], word=row[1], status=row[2], letters=row[3])


def count_jobs_by_status(conn) -> dict:
    with conn, conn.cursor() as cur:
        cur.execute("SELECT status, count(*) FROM jobs GROUP BY status ORDER BY status")
        return dict(cur.fetchall())


def count_entries() -> int:
    conn = get()
    with conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM guestbook_entries")
        return cur.fetchone()[0]
