"""render_within: the longest prefix of a page that fits, found in a few renders."""

from __future__ import annotations

import math
import random

import pytest

from feedsvc.feeds.budget import render_within


class FakeFeed:
    """A feed whose entries have the given sizes, after a 500-byte head."""

    def __init__(self, sizes: list[int]) -> None:
        self.sizes = sizes
        self.renders = 0

    def render(self, count: int) -> bytes:
        self.renders += 1
        return b"h" * 500 + b"".join(b"e" * size for size in self.sizes[:count])


def longest_fitting(sizes: list[int], max_bytes: int) -> int:
    fits = [n for n in range(1, len(sizes) + 1) if 500 + sum(sizes[:n]) <= max_bytes]
    return max(fits, default=1)


@pytest.mark.parametrize("seed", range(40))
def test_the_longest_fitting_prefix_in_logarithmic_renders(seed: int) -> None:
    rng = random.Random(seed)
    count = rng.randint(1, 500)
    # Alike sizes, or wildly mixed ones (a few huge articles among small ones).
    sizes = [
        rng.choice([rng.randint(1_000, 2_000), rng.randint(100, 300_000)]) for _ in range(count)
    ]
    max_bytes = rng.randint(1_000, 2_000_000)
    feed = FakeFeed(sizes)
    body = render_within(feed.render, count, max_bytes)
    expected = longest_fitting(sizes, max_bytes)
    assert body == feed.render(expected)
    assert feed.renders - 1 <= math.ceil(math.log2(count)) + 3


def test_a_page_that_fits_renders_once() -> None:
    feed = FakeFeed([100] * 50)
    assert len(render_within(feed.render, 50, 10_000)) == 5_500
    assert feed.renders == 1


def test_one_entry_is_served_even_when_it_alone_is_too_big() -> None:
    feed = FakeFeed([50_000, 10])
    assert len(render_within(feed.render, 2, 1_000)) == 50_500
