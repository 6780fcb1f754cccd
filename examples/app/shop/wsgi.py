"""The WSGI entrypoint: `gunicorn shop.wsgi:app` (web.entrypoint in the stack file)."""
from . import create_app

app = create_app()
