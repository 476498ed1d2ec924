"""Hypothesis settings for the property tests: bounded, so each test takes seconds."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# 200 examples each, no per-example deadline (a loaded 2-core CI machine is slow, and a
# slow example is not a bug here; tests/fuzz and the bench guard speed).
settings.register_profile(
    "feedsvc",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# A longer hunt on demand: FEEDSVC_HYPOTHESIS_PROFILE=hunt (not in CI).
settings.register_profile("hunt", parent=settings.get_profile("feedsvc"), max_examples=5000)
settings.load_profile(os.environ.get("FEEDSVC_HYPOTHESIS_PROFILE", "feedsvc"))
