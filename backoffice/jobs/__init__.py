"""Background jobs: Celery bound to the app, and enqueueing tasks by name after a commit."""
