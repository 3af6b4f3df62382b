"""Token buckets for Meta's throughput cap per business number and its pair rate limit per recipient."""

import time


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


class Throttle:
    """Per-number and per-(number, recipient) buckets; a rate of 0 means no cap."""

    def __init__(self, per_second: float, pair_burst: int, pair_refill_seconds: float):
        self.per_second = per_second
        self.pair_burst = pair_burst
        self.pair_refill_seconds = pair_refill_seconds
        self._numbers: dict[str, TokenBucket] = {}
        self._pairs: dict[tuple[str, str], TokenBucket] = {}

    def number_allows(self, phone_number_id: str) -> bool:
        """True if the business number is under its messages-per-second cap."""
        if self.per_second <= 0:
            return True
        bucket = self._numbers.setdefault(phone_number_id, TokenBucket(self.per_second, self.per_second))
        return bucket.take()

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
