"""Every feedsvc error crosses a process boundary intact (the extraction pool pickles the
exceptions its jobs raise; one that does not unpickle used to break the whole pool)."""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil
from typing import Any

import pytest

import feedsvc
from feedsvc.errors import FeedsvcError


def _import_everything() -> None:
    """Import every feedsvc module, so an error class declared anywhere is walked too."""
    for info in pkgutil.walk_packages(feedsvc.__path__, "feedsvc."):
        if ".migrations." not in info.name and not info.name.endswith("__main__"):
            importlib.import_module(info.name)


def _all_subclasses(cls: type[FeedsvcError]) -> list[type[FeedsvcError]]:
    found: list[type[FeedsvcError]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_all_subclasses(sub)]
    return found


_import_everything()
ERROR_CLASSES = sorted({FeedsvcError, *_all_subclasses(FeedsvcError)}, key=lambda c: c.__name__)

# A sample value by annotation; a parameter without a known type gets a string.
_SAMPLES: dict[str, Any] = {
    "str": "sample",
    "int": 418,
    "float": 2.5,
    "bool": True,
    "list[str]": ["first problem", "second problem"],
}


def make_error(cls: type[FeedsvcError]) -> FeedsvcError:
    """An instance of ``cls`` with every parameter of its constructor given a value."""
    if cls.__init__ is Exception.__init__:  # no constructor of its own: a message
        return cls("a message naming what failed and where")
    kwargs: dict[str, Any] = {}
    for name, param in inspect.signature(cls).parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        annotation = str(param.annotation).split(" | ")[0]
        value = _SAMPLES.get(annotation, "sample")
        kwargs[name] = f"{name}-{value}" if isinstance(value, str) else value
    return cls(**kwargs)


def test_the_walk_finds_the_whole_tree() -> None:
    names = {cls.__name__ for cls in ERROR_CLASSES}
    assert {"ConfigError", "HTTPStatusError", "ExtractError", "LeaseLostError"} <= names


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda c: c.__name__)
def test_every_error_pickles_with_its_attributes(cls: type[FeedsvcError]) -> None:
    error = make_error(cls)
    error.add_note("a note added on the way")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls
    assert str(copy) == str(error)
    assert copy.args == error.args
    assert vars(copy) == vars(error)
