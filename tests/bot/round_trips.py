"""Counting what a Redis client sends: under load, the number of round trips per turn sets the pace (issue 13)."""

import redis


class RoundTrips:
    """Counts the requests a Redis client sends (one per command, one per pipeline)."""

    def __init__(self, monkeypatch, client: redis.Redis) -> None:
        self.count = 0
        connection_class = client.connection_pool.connection_class
        send = connection_class.send_packed_command

        def counted(connection, command, check_health=True):
            self.count += 1
            return send(connection, command, check_health)

        monkeypatch.setattr(connection_class, "send_packed_command", counted)
