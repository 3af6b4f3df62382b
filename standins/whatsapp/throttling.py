"""Meta's throughput cap per business number (a sliding one-second window) and its pair rate limit per recipient
(a token bucket)."""

import time
from collections import deque


class TokenBucket:
    """Allows bursts of `capacity`, refilled at `rate` tokens per second."""

    def __init__(self, capacity: float, rate: float):
        self.capacity = capacity
        self.rate = rate
        self._tokens = capacity
        self._stamp = time.monotonic()

    def take(self) -> bool:
        """Spend one token if there is one."""
        now = time.monotonic()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        if self._tokens >= 1:
            self._tokens -= 1
            return True
        return False


class SlidingWindow:
    """At most `limit` accepted sends in any one second: Meta publishes "80 messages per second", and the
    strictest reading (any 1-s window, not calendar seconds, no burst borrowed ahead) is the one a sender
    must keep to. A token bucket of 80 refilled at 80/s lets 160 through in one second after a pause."""

    def __init__(self, limit: int):
        self.limit = limit
        self._accepted: deque[float] = deque()

    def take(self, now: float) -> bool:
        """Accept a send at `now` (seconds) if fewer than `limit` were accepted in the second before it."""
        while self._accepted and self._accepted[0] <= now - 1.0:
            self._accepted.popleft()
        if len(self._accepted) >= self.limit:
            return False
        self._accepted.append(now)
        return True


class Throttle:
    """Per-number and per-(number, recipient) buckets; a rate of 0 means no cap."""

    def __init__(self, per_second: float, pair_burst: int, pair_refill_seconds: float):
        self.per_second = per_second
        self.pair_burst = pair_burst
        self.pair_refill_seconds = pair_refill_seconds
        self._numbers: dict[str, SlidingWindow] = {}
        self._pairs: dict[tuple[str, str], TokenBucket] = {}

    def number_allows(self, phone_number_id: str, now: float) -> bool:
        """True (and counted) if the business number sent fewer than its cap in the second before `now`."""
        if self.per_second <= 0:
            return True
        window = self._numbers.setdefault(phone_number_id, SlidingWindow(int(self.per_second)))
        return window.take(now)

    def pair_allows(self, phone_number_id: str, recipient: str) -> bool:
        """True if this number may message this recipient again now."""
        if self.pair_burst <= 0:
            return True
        bucket = self._pairs.setdefault(
            (phone_number_id, recipient), TokenBucket(self.pair_burst, 1 / self.pair_refill_seconds)
        )
        return bucket.take()

    def reset(self) -> None:
        """Refill every bucket."""
        self._numbers.clear()
        self._pairs.clear()
