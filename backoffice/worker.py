"""The Celery entry point for `celery -A backoffice.worker worker` and `... beat`."""

from backoffice.app import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
