"""A benchmark's background thread: :class:`Repeating` calls ``step()`` until its ``with``
block ends (bench/soak.py's RSS sampler, bench/scale.py's steady feed load)."""

from __future__ import annotations

import threading
from typing import Self


class Repeating:
    """Calls :meth:`step` in a daemon thread from ``with`` until the block ends; ``step``
    returns how long to wait before the next call (seconds). The block's end interrupts
    the wait, not a step that is running (it is waited for)."""

    def __init__(self, name: str) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def step(self) -> float:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._stop.wait(max(0.0, self.step())):
                return
