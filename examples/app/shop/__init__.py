"""flask-shop: the sample Flask app that examples/flask-shop.yaml deploys.

Configuration comes from the environment only (twelve-factor), as the Kubernetes manifests set it:
DATABASE_URL (or libpq's PG* variables), REDIS_URL, SECRET_KEY, MEDIA_ROOT, LOG_LEVEL.
"""
import logging
import os
import sys
import uuid
from pathlib import Path

from flask import Flask, abort, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.utils import secure_filename

from . import db

# The image keeps the static files at /app/static (next to the package); nginx serves them from
# its own copy in production, Flask only when you run the app alone.
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # the same as nginx's client_max_body_size
MAX_MESSAGE_CHARS = 500
MAX_WORD_CHARS = 100

log = logging.getLogger("shop")


def configure_logging() -> None:
    """Logs go to stdout, one line each: the container runtime collects them."""
    level = getattr(logging, os.environ.get("LOG_LEVEL", "info").upper(), None)
    logging.basicConfig(
        stream=sys.stdout,
        level=level if isinstance(level, int) else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def create_app() -> Flask:
    configure_logging()
    secret_key = os.environ.get("SECRET_KEY")
    if not secret_key:
        raise RuntimeError("SECRET_KEY is not set: the app signs its session cookies with it")

    app = Flask(__name__, static_folder=str(STATIC_DIR), static_url_path="/static")
    app.config.update(
        SECRET_KEY=secret_key,
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES,
        MEDIA_ROOT=Path(os.environ.get("MEDIA_ROOT", "/app/media")),
        MEDIA_URL=os.environ.get("MEDIA_URL", "/media/"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    # nginx in the same pod is the only proxy in front of the app: trust one hop of X-Forwarded-*.
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.teardown_appcontext(db.close)

    @app.get("/healthz")
    def healthz():
        # Liveness/readiness: the process answers. Deliberately no database query, so a slow
        # database does not get every web pod restarted.
        return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}

    @app.get("/metrics")
    def metrics():
        # Prometheus's text format, written by hand to keep the image's dependencies few. A count
        # from the database is the same whichever gunicorn worker answers; per-process counters
        # would need prometheus_client's multiprocess mode.
        body = (
            "# HELP shop_guestbook_entries Entries in the guestbook.\n"
            "# TYPE shop_guestbook_entries gauge\n"
            f"shop_guestbook_entries {db.count_entries()}\n"
        )
        return body, 200, {"Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store"}

    @app.get("/")
    def index():
        return render_template("index.html", entries=db.latest_entries(5))

    @app.get("/guestbook")
    def guestbook():
        return render_template("guestbook.html", entries=db.latest_entries(100))

    @app.post("/guestbook")
    def sign_guestbook():
        name = (request.form.get("name") or "anonymous").strip()[:100] or "anonymous"
        message = (request.form.get("message") or "").strip()
        if not message or len(message) > MAX_MESSAGE_CHARS:
            abort(400, f"message: 1 to {MAX_MESSAGE_CHARS} characters")
        entry_id = db.add_entry(name, message)
        log.info("guestbook entry %s added", entry_id)
        flash("Thanks for signing the guestbook!")
        return redirect(url_for("guestbook"), code=303)

    @app.post("/upload")
    def upload():
        file = request.files.get("file")
        if file is None or not file.filename:
            abort(400, "send the file as the multipart field 'file'")
        safe = secure_filename(file.filename) or "upload"
        # A random prefix: two uploads never overwrite each other, and names are not guessable.
        stored = f"{uuid.uuid4().hex[:12]}-{safe}"
        media_root: Path = app.config["MEDIA_ROOT"]
        media_root.mkdir(parents=True, exist_ok=True)
        file.save(media_root / stored)
        url = app.config["MEDIA_URL"].rstrip("/") + "/" + stored
        log.info("upload saved as %s", stored)
        return jsonify(name=stored, url=url), 201, {"Location": url}

    @app.post("/jobs")
    def enqueue_job():
        # Imported here: only this endpoint needs the broker, and /healthz must not.
        from .tasks import count_letters

        word = (request.form.get("word") or "").strip()
        if not word or len(word) > MAX_WORD_CHARS:
            abort(400, f"word: 1 to {MAX_WORD_CHARS} characters")
        job_id = db.add_job(word)
        count_letters.delay(job_id)
        log.info("job %s queued", job_id)
        url = url_for("show_job", job_id=job_id)
        return jsonify(id=job_id, status="queued", url=url), 202, {"Location": url}

    @app.get("/jobs/<int:job_id>")
    def show_job(job_id: int):
        job = db.get_job(job_id)
        if job is None:
            abort(404)
        return jsonify(job), 200, {"Cache-Control": "no-store"}

    @app.errorhandler(413)
    def too_large(_err):
        return jsonify(error=f"upload larger than {MAX_UPLOAD_BYTES} bytes"), 413

    log.info("flask-shop ready (media in %s)", app.config["MEDIA_ROOT"])
    return app
