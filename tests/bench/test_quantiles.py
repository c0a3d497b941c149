"""The benchmark's percentiles: nearest rank, so a p95 of 20 requests is not their maximum."""

import pytest

from bench.run import ms


def test_a_p95_of_twenty_requests_is_the_nineteenth():
    seconds = [n / 1000 for n in range(1, 21)]
    assert ms(seconds, 0.95) == pytest.approx(19)
    assert ms(seconds, 0.5) == pytest.approx(10)


def test_with_a_hundred_requests_the_five_slowest_lie_above_the_p95():
    seconds = [n / 1000 for n in range(100, 0, -1)]
    assert ms(seconds, 0.95) == pytest.approx(95)


def test_one_request_is_every_percentile():
    assert ms([0.042], 0.5) == ms([0.042], 0.95) == pytest.approx(42)
