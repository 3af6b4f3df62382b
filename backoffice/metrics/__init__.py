"""Prometheus `/metrics`: the back-office's figures, the channel's Redis counters and the Celery queues, one scrape."""
