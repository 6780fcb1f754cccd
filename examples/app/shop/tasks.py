"""Background jobs: a Celery app whose broker is Redis (REDIS_URL, which the stack sets).

The worker is `celery -A shop.tasks worker` (the stack's `workers.celery.command`); the web app
only enqueues. A job's result goes to Postgres, where the web app reads it: Celery needs no
result backend.
"""
import logging
import os

from celery import Celery

from . import db

log = logging.getLogger("shop.tasks")

app = Celery("shop", broker=os.environ.get("REDIS_URL", "redis://localhost:6379/0"))
app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    # A job is acknowledged when it is done, not when it is received: a worker stopped mid-job
    # (a rollout, a node drain) leaves it in the queue for the next worker.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
)


@app.task(name="shop.count_letters")
def count_letters(job_id: int) -> int:
    """Counts the letters of a job's word and stores the count: the work a request hands off."""
    conn = db.connect()
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT word FROM jobs WHERE id = %s", (job_id,))
            row = cur.fetchone()
            if row is None:
                log.warning("job %s does not exist", job_id)
                return 0
            letters = sum(ch.isalpha() for ch in row[0])
            cur.execute(
                "UPDATE jobs SET letters = %s, status = 'done', done_at = now() WHERE id = %s",
                (letters, job_id),
            )
    finally:
        conn.close()
    log.info("job %s done: %s letters", job_id, letters)
    return letters
