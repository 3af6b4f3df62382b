"""Give returning citizens a long stored history: copies of one template citizen's tracker (runs in .venv-rasa).

The tracker store is the one endpoints.yml names, built by Rasa's own `TrackerStore.create`, so the copies
land wherever and however Rasa keeps conversations, whichever store class that is. When the template has
fewer events than asked for, its last session's turns are repeated (with fresh message ids) until there are
enough. The sessions are dated a day apart, the last a day ago: the citizens come back.
Prints one JSON line: the template's and a copy's size in events and in bytes of serialised dialogue.

    .venv-rasa/bin/python -m bench.tracker_copy --template wa-... --min-events 1000 < sender_ids
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

DAY = 24 * 3600


def dialogue_bytes(tracker: DialogueStateTracker) -> int:
    """Size of the tracker as a JSON dialogue, the form Rasa's Redis and SQL stores keep it in."""
    return len(json.dumps(tracker.as_dialogue().as_dict()).encode())


def padded(events: list[Event], minimum: int) -> list[Event]:
    """`events`, then repeats of its last session's turns until there are at least `minimum`."""
    starts = [i for i, e in enumerate(events) if isinstance(e, SessionStarted)]
    last = events[starts[-1] if starts else 0 :]
    turns = next((last[i:] for i, e in enumerate(last) if isinstance(e, UserUttered)), [])
    out = [Event.from_parameters(e.as_dict()) for e in events]
    copy = 0
    while len(out) < minimum and turns:
        copy += 1
        for event in turns:
            clone = Event.from_parameters(event.as_dict())
            if isinstance(clone, UserUttered) and clone.message_id:
                clone.message_id = f"{clone.message_id}-copy{copy}"
            out.append(clone)
    return out


def dated(events: list[Event]) -> list[Event]:
    """Date the sessions a day apart, the last one ending a day ago, as a citizen's earlier visits were.

    The citizen's next message then starts a new session, so that a store which loads only the current
    session is measured as it would serve a citizen who comes back.
    """
    sessions = max(1, sum(isinstance(e, SessionStarted) for e in events))
    session = 0
    moment = time.time() - (sessions + 1) * DAY
    for event in events:
        if isinstance(event, SessionStarted):
            session += 1
            moment = time.time() - (sessions + 1 - session) * DAY
        event.timestamp = moment
        moment += 0.01
    return events


async def copy_trackers(
    endpoints: str, domain_path: str, template: str, minimum: int, senders: list[str]
) -> dict:
    """Save a copy of the template's tracker under every sender id; returns the sizes."""
    domain = Domain.load(domain_path)
    store = TrackerStore.create(AvailableEndpoints.read_endpoints(endpoints).tracker_store, domain=domain)
    original = await store.retrieve_full_tracker(template)
    if original is None:
        raise SystemExit(f"no tracker stored for the template {template}")
    events = dated(padded(list(original.events), minimum))
    # Replayed once, saved under every sender id: replaying a thousand events takes about a second.
    copy = DialogueStateTracker.from_events(template, events, slots=domain.slots)
    for sender in senders:
        copy.sender_id = sender
        await store.save(copy)
    return {
        "template_events": len(original.events),
        "template_bytes": dialogue_bytes(original),
        "history_events": len(events),
        "history_bytes": dialogue_bytes(copy),
    }


def main() -> None:
    """Read sender ids from stdin, one per line, and copy the template's tracker to each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", required=True, help="sender id of the template citizen")
    parser.add_argument("--min-events", type=int, default=0)
    parser.add_argument("--endpoints", default="endpoints.yml")
    parser.add_argument("--domain", default="domain.yml")
    args = parser.parse_args()
    senders = [line.strip() for line in sys.stdin if line.strip()]
    sizes = asyncio.run(copy_trackers(args.endpoints, args.domain, args.template, args.min_events, senders))
    print(json.dumps(sizes))


if __name__ == "__main__":
    main()
