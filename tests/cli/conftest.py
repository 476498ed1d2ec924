"""The fake news site fixture for the CLI's real processes."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from news_site import Site


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    thread = threading.Thread(target=s.server.serve_forever, daemon=True)
    thread.start()
    yield s
    s.server.shutdown()
    s.server.server_close()
