"""Nightly housekeeping, run by the stack's schedule: `python -m shop.housekeeping`.

Deletes finished jobs older than JOBS_KEEP_DAYS (default 30) and prints how many it deleted.
Safe to run at any time and more than once.
"""
import logging
import os
import sys

from . import configure_logging, db

log = logging.getLogger("shop.housekeeping")


def main() -> int:
    configure_logging()
    keep_days = int(os.environ.get("JOBS_KEEP_DAYS", "30"))
    conn = db.connect()
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                "DELETE FROM jobs WHERE status = 'done' AND done_at < now() - make_interval(days => %s)",
                (keep_days,),
            )
            purged = cur.rowcount
    finally:
        conn.close()
    log.info("purged %s finished jobs older than %s days", purged, keep_days)
    return 0


if __name__ == "__main__":
    sys.exit(main())
