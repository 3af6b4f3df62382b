"""Celery bound to a Flask app (pallets' examples/celery pattern): every task runs inside an app context."""

from celery import Celery, Task
from flask import Flask

# Imported for its signal receivers: every task's outcome is counted for /metrics.
from backoffice.jobs import task_counts  # noqa: F401


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app from `app.config["CELERY"]`; nothing connects until a task is sent or a worker starts."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.flask_app = app  # for the signal receivers of task_counts, which run outside any app context
    celery_app.set_default()
    # Register every task module named in `include` here too, not only in workers: rooms enqueue by name.
    celery_app.loader.import_default_modules()
    app.extensions["celery"] = celery_app
    return celery_app
