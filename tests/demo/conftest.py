"""Fixtures for the demo-portal tests."""

from __future__ import annotations

import pytest
from demo_portal_helpers import Clock

from feedsvc.demo.portal import PortalState


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def state(clock: Clock) -> PortalState:
    return PortalState(seed=7, now=clock)
