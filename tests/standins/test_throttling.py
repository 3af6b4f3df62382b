"""The stand-in's throughput cap, as Meta publishes it: 80 messages a second per business number."""

from standins.whatsapp.throttling import Throttle


def test_no_one_second_window_takes_an_81st_send_even_after_a_quiet_spell():
    throttle = Throttle(80, pair_burst=45, pair_refill_seconds=6)
    # Quiet until 10.0, then 80 sends in 0.4 s: a token bucket would have saved up a burst for more.
    assert all(throttle.number_allows("1001", 10.0 + i / 200) for i in range(80))
    assert not throttle.number_allows("1001", 10.999)  # 81 in the second from 10.0
    assert throttle.number_allows("1002", 10.999)  # another number has its own 80
    assert throttle.number_allows("1001", 11.0)  # the first send's second is over
    assert not throttle.number_allows("1001", 11.004)  # ... but not yet the second's (10.005)
    assert throttle.number_allows("1001", 11.005)


def test_refused_sends_are_not_counted():
    throttle = Throttle(2, pair_burst=45, pair_refill_seconds=6)
    assert throttle.number_allows("1001", 0.0) and throttle.number_allows("1001", 0.5)
    assert not any(throttle.number_allows("1001", 0.6 + i / 10) for i in range(4))  # 0.6 .. 0.9
    assert throttle.number_allows("1001", 1.0) and throttle.number_allows("1001", 1.5)
