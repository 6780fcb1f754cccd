"""Background jobs: a Celery app whose broker is Redis (REDIS_URL, which the stack sets).

The worker is `celery -A shop.tasks worker` (the stack's `workers.celery.command`); the web app
only enqueues. A job's result goes to Postgres, where the web app reads it: Celery needs no
result backend. With METRICS_PORT set, the worker serves Prometheus metrics on it (the stack's
`workers.jobs.metrics`).
"""
import logging
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from celery import Celery
from celery.signals import worker_ready

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


class _Metrics(BaseHTTPRequestHandler):
    """GET /metrics: the jobs by status, counted in Postgres (the same whichever process asks)."""

    def do_GET(self):
        if self.path != "/metrics":
            self.send_error(404)
            return
        conn = db.connect()
        try:
            # Both statuses always, 0 included: a series that vanishes reads as "no data", not 0.
            counts = {"done": 0, "queued": 0, **db.count_jobs_by_status(conn)}
        finally:
            conn.close()
        lines = ["# HELP shop_jobs Jobs by status.", "# TYPE shop_jobs gauge"]
        lines += [f'shop_jobs{{status="{status}"}} {n}' for status, n in counts.items()]
        body = ("\n".join(lines) + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass  # scrapes every few seconds would drown the worker's own log


@worker_ready.connect
def serve_metrics(**_kwargs):
    """In the worker's main process, once it is ready: a small HTTP server for Prometheus."""
    port = os.environ.get("METRICS_PORT")
    if port:
        server = ThreadingHTTPServer(("", int(port)), _Metrics)
        threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
        log.info("metrics on :%s/metrics", port)
