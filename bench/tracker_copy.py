"""Give returning citizens a long stored history: copies of one template citizen's tracker (runs in .venv-rasa).

The tracker store is the one endpoints.yml names, built by Rasa's own `TrackerStore.create`, so the copies
land wherever and however Rasa keeps conversations, whichever store class that is. When the template has
fewer events than asked for, its turns are repeated (with fresh message ids) until there are enough.
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
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker


def dialogue_bytes(tracker: DialogueStateTracker) -> int:
    """Size of the tracker as a JSON dialogue, the form Rasa's Redis and SQL stores keep it in."""
    return len(json.dumps(tracker.as_dialogue().as_dict()).encode())


def padded(events: list[Event], minimum: int) -> list[Event]:
    """`events`, then repeats of its turns (first user message onwards) until there are at least `minimum`."""
    turns = next((events[i:] for i, e in enumerate(events) if isinstance(e, UserUttered)), [])
    out = list(events)
    copy = 0
    while len(out) < minimum and turns:
        copy += 1
        for event in turns:
            clone = Event.from_parameters(event.as_dict())
            if isinstance(clone, UserUttered) and clone.message_id:
                clone.message_id = f"{clone.message_id}-copy{copy}"
            out.append(clone)
    # Evenly spaced up to now: the history stays in order and no session has expired yet.
    now = time.time()
    for index, event in enumerate(out):
        event.timestamp = now - (len(out) - index) * 0.01
    return out


async def copy_trackers(
    endpoints: str, domain_path: str, template: str, minimum: int, senders: list[str]
) -> dict:
    """Save a copy of the template's tracker under every sender id; returns the sizes."""
    domain = Domain.load(domain_path)
    store = TrackerStore.create(AvailableEndpoints.read_endpoints(endpoints).tracker_store, domain=domain)
    original = await store.retrieve_full_tracker(template)
    if original is None:
        raise SystemExit(f"no tracker stored for the template {template}")
    events = padded(list(original.events), minimum)
    copy = None
    for sender in senders:
        copy = DialogueStateTracker.from_events(sender, events, slots=domain.slots)
        await store.save(copy)
    return {
        "template_events": len(original.events),
        "template_bytes": dialogue_bytes(original),
        "history_events": len(events),
        "history_bytes": dialogue_bytes(copy) if copy else 0,
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
