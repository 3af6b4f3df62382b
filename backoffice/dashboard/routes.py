"""`/admin/dashboard` and its live stream: the page draws the tiles, then Server-Sent Events keep them current."""

from __future__ import annotations

import json
import time

from flask import Blueprint, Response, current_app, render_template, stream_with_context
from flask_login import current_user

from backoffice.dashboard.tiles import snapshot
from backoffice.extensions import db
from backoffice.reports.access import watch_required, watched_department

blueprint = Blueprint("dashboard", __name__, template_folder="templates")


@blueprint.get("/dashboard")
@watch_required
def dashboard():
    """The dashboard page, drawn from a first snapshot so it is complete before the stream connects."""
    return render_template("dashboard.html", tiles=snapshot(watched_department(current_user)))


@blueprint.get("/dashboard/stream")
@watch_required
def stream():
    """Server-Sent Events: a new snapshot whenever one differs from the last, checked every DASHBOARD_TICK_SECONDS.

    The stream ends after DASHBOARD_STREAM_SECONDS; the browser's EventSource reconnects by itself, which frees
    the server's worker now and then and re-checks the session (a deactivated user stops getting data).
    """
    department = watched_department(current_user)
    tick = current_app.config["DASHBOARD_TICK_SECONDS"]
    lifetime = current_app.config["DASHBOARD_STREAM_SECONDS"]

    def events():
        last = None
        ends = time.monotonic() + lifetime
        yield "retry: 1000\n\n"
        while time.monotonic() < ends:
            data = json.dumps(snapshot(department), sort_keys=True, default=str)
            # A fresh transaction each time, or the database would keep showing the first snapshot's data.
            db.session.rollback()
            if data != last:
                last = data
                yield f"event: tiles\ndata: {data}\n\n"
            else:
                yield ": still here\n\n"  # a comment: keeps proxies from closing an idle stream
            time.sleep(tick)

    return Response(
        stream_with_context(events()),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
