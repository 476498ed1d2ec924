"""The server's event loop: uvloop when installed and allowed, asyncio otherwise."""

from __future__ import annotations

import asyncio
import builtins
from typing import Any

import pytest

from feedsvc.config import ConfigError, Settings, load_config
from feedsvc.service import loop_factory


def test_asyncio_is_chosen_when_asked() -> None:
    assert loop_factory(Settings(event_loop="asyncio")) is None


def test_auto_uses_uvloop_when_installed() -> None:
    uvloop = pytest.importorskip("uvloop")
    factory = loop_factory(Settings())
    assert factory is uvloop.new_event_loop
    loop = factory()
    try:
        assert loop.run_until_complete(asyncio.sleep(0, result=42)) == 42
    finally:
        loop.close()


def test_auto_falls_back_to_asyncio_without_uvloop(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_uvloop(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "uvloop":
            raise ImportError("No module named 'uvloop'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_uvloop)
    assert loop_factory(Settings()) is None


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("FEEDSVC_EVENT_LOOP", "tokio", "must be auto or asyncio"),
        ("FEEDSVC_EXTRACT_NICE", "20", "between 0 and 19"),
        ("FEEDSVC_EXTRACT_NICE", "-1", "between 0 and 19"),
    ],
)
def test_bad_values_name_the_setting(name: str, value: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem) as caught:
        load_config(None, {name: value})
    assert name in str(caught.value)
